namespace GenderML.Core.Kernels;

/// <summary>
/// A layer's 3×3 weights in Winograd form (<see cref="WinogradTransforms.TransformWeights"/>) kept between calls while
/// they may still change — trainable weights in evaluation mode (validation during training): rebuilt only when the
/// weights differ from the copy it was built from (compared in full each call, so a training step is seen), or when
/// the block changes. Frozen weights are kept by <see cref="PackedWeights.Winograd"/> instead, compared never.
/// Allocates only when it rebuilds. Not for concurrent calls.
/// </summary>
internal sealed unsafe class WinogradWeights
{
    private float[] _source = [];
    private float[] _packed = [];
    private int _outChannels, _inChannels, _mr;

    /// <summary>The transformed weights of <paramref name="weight"/> (OC×C×3×3) packed for slivers of
    /// <paramref name="mr"/> rows, built now if they are not current. The pointer stays valid until the next call.
    /// </summary>
    public float* Get(float* weight, int oc, int c, int mr)
    {
        long length = (long)oc * c * 9;
        var current = new ReadOnlySpan<float>(weight, checked((int)length));
        if (oc != _outChannels || c != _inChannels || mr != _mr || !current.SequenceEqual(_source))
        {
            if (_source.Length != length) _source = new float[length];
            current.CopyTo(_source);
            long packed = (long)WinogradTransforms.Points * ((oc + mr - 1) / mr * mr) * c;
            if (_packed.Length != packed)
                _packed = GC.AllocateUninitializedArray<float>(checked((int)packed), pinned: true);
            (_outChannels, _inChannels, _mr) = (oc, c, mr);
            fixed (float* u = _packed) WinogradTransforms.TransformWeights(weight, oc, c, mr, u);
        }
        // Pinned: the address is stable.
        fixed (float* u = _packed) return u;
    }
}
