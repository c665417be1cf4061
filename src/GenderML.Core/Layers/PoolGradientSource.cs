using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary>
/// The input gradient of a plain 2×2 <see cref="MaxPool2d"/> (after a ReLU whose derivative it applies) a few images
/// at a time, into the calling thread's scratch: the convolution before the pool takes its weight gradient from it
/// without the whole map being written (<see cref="Conv2d"/>, <see cref="Sequential"/>'s fusion). The values are those
/// of <see cref="MaxPool2d.Backward"/>, bit for bit.
/// </summary>
internal sealed unsafe class PoolGradientSource : IGradientSource
{
    /// <summary>Worker scratch slot (not one <see cref="DirectWeightGradient"/> uses).</summary>
    private const int Slot = 4;

    private PoolGeometry _geometry;
    private int _channels;
    private float[] _input = [], _output = [], _gradOutput = [];
    private bool _rectified;
    private byte[]? _argmax;

    public void Set(in PoolGeometry geometry, int channels, float[] input, float[] output, float[] gradOutput, bool rectified)
    {
        _geometry = geometry; _channels = channels; _input = input; _output = output; _gradOutput = gradOutput;
        _rectified = rectified;
        _argmax = null;
    }

    /// <summary>Routes by the index of each window's maximum (<see cref="MaxPoolArgmax"/>; the pool's input was never
    /// written), through a ReLU's derivative.</summary>
    public void SetArgmax(in PoolGeometry geometry, int channels, byte[] argmax, float[] output, float[] gradOutput)
    {
        _geometry = geometry; _channels = channels; _argmax = argmax; _output = output; _gradOutput = gradOutput;
        _input = [];
        _rectified = true;
    }

    /// <summary>Drops the references to the layer's tensors.</summary>
    public void Clear() { _input = _output = _gradOutput = []; _argmax = null; }

    public float* Images(int n, int count)
    {
        var g = _geometry;
        int plane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth, first = n * _channels, planes = count * _channels;
        float* dst = NativeScratch.Get(Slot, (long)planes * plane);
        if (_argmax is { } argmax)
        {
            // MaxPoolArgmax writes plane p at p·plane: shift the base so that plane `first` lands at dst.
            fixed (byte* a = argmax)
            fixed (float* o = _output, go = _gradOutput)
                MaxPoolArgmax.Backward(a, o, go, dst - (long)first * plane, g.InHeight, g.InWidth, first, first + planes, _rectified);
            return dst;
        }
        MaxPool2x2.Backward(_input.AsSpan(first * plane), _output.AsSpan(first * outPlane), _gradOutput.AsSpan(first * outPlane),
            new Span<float>(dst, planes * plane), g.InHeight, g.InWidth, 0, planes, _rectified);
        return dst;
    }
}
