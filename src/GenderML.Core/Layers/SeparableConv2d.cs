namespace GenderML.Core.Layers;

/// <summary>
/// A depthwise-separable convolution: a K×K depthwise convolution (one filter per input channel, no bias)
/// followed by a 1×1 pointwise convolution with bias, named <c>depthwise</c> and <c>pointwise</c>.
/// </summary>
public sealed class SeparableConv2d : Layer
{
    private readonly Conv2d _depthwise, _pointwise;

    /// <summary>Creates the pair, weights drawn from <paramref name="random"/>.</summary>
    public SeparableConv2d(int inChannels, int outChannels, int kernelSize, Random random, int stride = 1, ConvPadding? padding = null)
    {
        _depthwise = AddChild("depthwise", new Conv2d(inChannels, inChannels, kernelSize, random, stride, padding, groups: inChannels, bias: false));
        _pointwise = AddChild("pointwise", new Conv2d(inChannels, outChannels, 1, random));
    }

    /// <summary>The depthwise K×K convolution.</summary>
    public Conv2d Depthwise => _depthwise;

    /// <summary>The pointwise 1×1 convolution.</summary>
    public Conv2d Pointwise => _pointwise;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _pointwise.Forward(_depthwise.Forward(input));

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput) => _depthwise.Backward(_pointwise.Backward(gradOutput));
}
