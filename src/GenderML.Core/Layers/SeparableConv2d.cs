using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

/// <summary>
/// A depthwise-separable convolution: a K×K depthwise convolution (one filter per input channel, no bias)
/// followed by a 1×1 pointwise convolution with bias, named <c>depthwise</c> and <c>pointwise</c>.
/// </summary>
public sealed class SeparableConv2d : Layer
{
    private readonly Conv2d _depthwise, _pointwise;
    private Tensor? _inferenceDepthwise, _inferenceOutput;
    private bool _fused;

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
    public override Tensor Forward(Tensor input)
    {
        _fused = false;
        return _pointwise.Forward(_depthwise.Forward(input));
    }

    /// <summary>
    /// Inference with its neighbours fused: <c>act(pointwise(depthwise(reluInput ? max(x, 0) : x)) + residual)</c>,
    /// <c>act</c> the ReLU when <paramref name="relu"/> is set; the input's ReLU is taken as the depthwise kernel
    /// reads the input, the rest in the pointwise convolution's output pass. <see cref="Backward"/> does not follow it.
    /// </summary>
    internal Tensor ForwardInference(Tensor input, bool reluInput, Tensor? residual, bool relu)
    {
        string name = Name.Length > 0 ? Name : "SeparableConv2d";
        TensorBuffers.RequireRank(input, 4, name, "N×{0}×H×W", _depthwise.InChannels);
        if (input.Dim(1) != _depthwise.InChannels)
            throw new ArgumentException($"{name}: expects {_depthwise.InChannels} channels, got {input}", nameof(input));
        var g = _depthwise.GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
        bool fast = Depthwise3x3.Handles(g) && g.OutHeight > 0 && g.OutWidth > 0;
        if (fast && (Compute.Threads <= 1 || g.Batch >= Compute.Threads))
        {
            var separable = RunSeparable(g, input, reluInput, residual, relu);
            _fused = true;
            return separable;
        }
        Tensor depthwise;
        if (fast)
        {
            depthwise = TensorBuffers.Ensure(ref _inferenceDepthwise, g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
            RunDepthwise(g, input, depthwise, reluInput);
        }
        else
        {
            if (reluInput)
            {
                var activated = TensorBuffers.EnsureLike(ref _inferenceDepthwise, input);
                Ops.Elementwise.Relu(input.Data, activated.Data);
                input = activated;
            }
            depthwise = _depthwise.Forward(input);
        }
        var output = _pointwise.ForwardFused(depthwise, residual, relu);
        _fused = true;
        return output;
    }

    /// <summary>Both convolutions an image at a time (<see cref="SeparableConvolution"/>).</summary>
    private unsafe Tensor RunSeparable(in ConvGeometry g, Tensor input, bool reluInput, Tensor? residual, bool relu)
    {
        var pg = _pointwise.GeometryFor(g.Batch, g.OutHeight, g.OutWidth);
        if (residual is not null && (residual.Rank != 4 || residual.Length != pg.OutputLength || residual.Dim(1) != pg.OutChannels))
            throw new ArgumentException($"{(Name.Length > 0 ? Name : "SeparableConv2d")}: the residual {residual} is not shaped like the output", nameof(residual));
        var output = TensorBuffers.Ensure(ref _inferenceOutput, g.Batch, pg.OutChannels, pg.OutHeight, pg.OutWidth);
        fixed (float* x = input.Data, dw = _depthwise.Weight.Value.Data, pw = _pointwise.Weight.Value.Data,
            b = _pointwise.Bias!.Value.Data, r = residual is null ? null : residual.Data, y = output.Data)
            SeparableConvolution.Forward(new ConvOperands(g, x, dw, null, null), reluInput,
                new ConvOperands(pg, null, pw, b, y, residual: r, relu: relu), Compute.Threads);
        return output;
    }

    private unsafe void RunDepthwise(in ConvGeometry g, Tensor input, Tensor output, bool reluInput)
    {
        fixed (float* x = input.Data, w = _depthwise.Weight.Value.Data, y = output.Data)
            Depthwise3x3.Forward(new ConvOperands(g, x, w, null, y), reluInput, Compute.Threads);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        if (_fused) throw new InvalidOperationException("SeparableConv2d.Backward after an inference pass: run Forward in training mode");
        return _depthwise.Backward(_pointwise.Backward(gradOutput));
    }
}
