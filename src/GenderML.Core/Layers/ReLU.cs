using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary><c>y = max(x, 0)</c>; the gradient at 0 is taken as 0.</summary>
public sealed class ReLU : Activation
{
    /// <summary>Forward for an input the layer before rectified already (a convolution with the ReLU in its
    /// epilogue): no pass, the input is the output.</summary>
    internal Tensor ForwardRectified(Tensor rectified) => PassThrough(rectified);

    /// <summary>Forward for an input the layer before rectified and whose backward pass applies this layer's
    /// derivative too (<see cref="BatchNorm2d.ForwardRelu"/>): no pass either way, <see cref="Activation.Backward"/>
    /// returns its gradient unchanged.</summary>
    internal Tensor ForwardRectifiedAndDerived(Tensor rectified) => PassThrough(rectified, derivedByPrevious: true);

    private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Relu(x, y);

    private protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        => Elementwise.ReluBackward(y, dy, dx);
}
