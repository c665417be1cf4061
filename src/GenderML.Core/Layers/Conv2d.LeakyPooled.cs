using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

public sealed partial class Conv2d
{
    private Tensor? _leakyPooled;

    /// <summary>
    /// Inference of <c>pool(leaky(conv(x) + b))</c> for a following 2×2, stride-2 max pool that pads nothing and a
    /// leaky ReLU of slope ≥ 0 between the two, in one pass (<see cref="DirectConvolutionPool2x2"/>): the
    /// convolution's output is never written, the pool's output is this layer's. Null, with nothing run, when that
    /// kernel does not take this input.
    /// </summary>
    internal Tensor? ForwardLeakyPooled(Tensor input, float negativeSlope, MaxPool2d pool)
    {
        if (Training || input.Rank != 4 || input.Dim(1) != InChannels || pool.KernelSize != 2 || pool.Stride != 2) return null;
        var g = GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
        if (!DirectConvolutionPool2x2.Handles(g)) return null;
        var (top, bottom) = pool.Padding.Resolve(g.OutHeight, 2, 2, vertical: true);
        var (left, right) = pool.Padding.Resolve(g.OutWidth, 2, 2, vertical: false);
        if (top != 0 || bottom != 0 || left != 0 || right != 0) return null;
        var output = TensorBuffers.Ensure(ref _leakyPooled, g.Batch, OutChannels, g.OutHeight / 2, g.OutWidth / 2);
        _geometry = g;
        _input = input;
        _fused = true;
        bool done = DirectConvolutionPool2x2.TryForward(g, input.Data, _weight.Value.Data, _bias is null ? default : _bias.Value.Data,
            negativeSlope, output.Data, Compute.Threads, PackedWeights());
        return done ? output : null;
    }
}
