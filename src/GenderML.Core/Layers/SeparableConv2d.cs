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
    private PackedWeights? _packed;
    private int _packedVersion;
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
    /// <remarks>Frozen pointwise weights (not <see cref="Parameter.Trainable"/>) are packed for the GEMM once and kept
    /// until they are made trainable again.</remarks>
    internal Tensor ForwardInference(Tensor input, bool reluInput, Tensor? residual, bool relu)
    {
        string name = Name.Length > 0 ? Name : "SeparableConv2d";
        TensorBuffers.RequireRank(input, 4, name, "N×{0}×H×W", _depthwise.InChannels);
        if (input.Dim(1) != _depthwise.InChannels)
            throw new ArgumentException($"{name}: expects {_depthwise.InChannels} channels, got {input}",
                nameof(input));
        var g = _depthwise.GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
        Tensor output;
        if (Depthwise3x3.Handles(g) && g.OutHeight > 0 && g.OutWidth > 0)
        {
            var pg = _pointwise.GeometryFor(g.Batch, g.OutHeight, g.OutWidth);
            if (residual is not null && (residual.Rank != 4 || residual.Dim(0) != pg.Batch
                || residual.Dim(1) != pg.OutChannels || residual.Dim(2) != pg.OutHeight
                || residual.Dim(3) != pg.OutWidth))
                throw new ArgumentException($"{name}: the residual {residual} is not shaped like the output "
                    + $"({pg.Batch}×{pg.OutChannels}×{pg.OutHeight}×{pg.OutWidth})", nameof(residual));
            output = TensorBuffers.Ensure(ref _inferenceOutput, pg.Batch, pg.OutChannels, pg.OutHeight, pg.OutWidth);
            Run(g, pg, input, reluInput, residual, relu, output);
        }
        else
        {
            if (reluInput)
            {
                var activated = TensorBuffers.EnsureLike(ref _inferenceDepthwise, input);
                Ops.Elementwise.Relu(input.Data, activated.Data);
                input = activated;
            }
            output = _pointwise.ForwardFused(_depthwise.Forward(input), residual, relu);
        }
        _fused = true;
        return output;
    }

    /// <summary>
    /// Inference of this convolution, then a leaky ReLU of slope <paramref name="negativeSlope"/> ≥ 0, then
    /// <paramref name="pool"/>, pooled band by band while the convolution's output is in cache (the activation commutes
    /// with the maximum, so it runs on the pooled values): for a 2×2, stride-2 pool padded only after, on AVX-512. Null when that does not apply (nothing is computed then).
    /// </summary>
    internal Tensor? ForwardInferencePooled(Tensor input, bool reluInput, MaxPool2d pool, float negativeSlope)
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported || pool.KernelSize != 2 || pool.Stride != 2
            || negativeSlope < 0f || input.Rank != 4 || input.Dim(1) != _depthwise.InChannels)
            return null;
        var g = _depthwise.GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
        if (!Depthwise3x3.Handles(g) || g.OutHeight <= 0 || g.OutWidth <= 0) return null;
        var (top, bottom) = pool.Padding.Resolve(g.OutHeight, 2, 2, vertical: true);
        var (left, right) = pool.Padding.Resolve(g.OutWidth, 2, 2, vertical: false);
        if (top != 0 || left != 0 || bottom > 1 || right > 1) return null;
        int ph = (g.OutHeight + bottom - 2) / 2 + 1, pw = (g.OutWidth + right - 2) / 2 + 1;
        if (ph <= 0 || pw <= 0) return null;
        var pg = _pointwise.GeometryFor(g.Batch, g.OutHeight, g.OutWidth);
        var output = TensorBuffers.Ensure(ref _inferenceOutput, g.Batch, pg.OutChannels, ph, pw);
        var isa = GemmBlocking.BestIsa;
        var packed = Kernels.PackedWeights.ForFrozen(ref _packed, ref _packedVersion, false, _pointwise.Weight);
        unsafe
        {
            fixed (float* x = input.Data, dw = _depthwise.Weight.Value.Data, w = _pointwise.Weight.Value.Data,
                b = _pointwise.Bias!.Value.Data, y = output.Data)
                SeparableConvolution.Forward(new ConvOperands(g, x, dw, null, null), reluInput,
                    new ConvOperands(pg, null, w, b, null), Compute.Threads, isa,
                    packed is null ? null : packed.Direct(w, pg, DirectConvolution.Block(isa).MR), new SeparablePool(y, ph, pw, bottom, right, negativeSlope));
        }
        GC.KeepAlive(packed);
        _fused = true;
        return output;
    }

    /// <summary>Both convolutions a band of an image at a time (<see cref="SeparableConvolution"/>).</summary>
    private unsafe void Run(in ConvGeometry g, in ConvGeometry pg, Tensor input, bool reluInput, Tensor? residual,
        bool relu, Tensor output)
    {
        var isa = GemmBlocking.BestIsa;
        var packed = Kernels.PackedWeights.ForFrozen(ref _packed, ref _packedVersion, false, _pointwise.Weight);
        fixed (float* x = input.Data, dw = _depthwise.Weight.Value.Data, pw = _pointwise.Weight.Value.Data,
            b = _pointwise.Bias!.Value.Data, r = residual is null ? null : residual.Data, y = output.Data)
            SeparableConvolution.Forward(new ConvOperands(g, x, dw, null, null), reluInput,
                new ConvOperands(pg, null, pw, b, y, residual: r, relu: relu), Compute.Threads, isa,
                packed is null ? null : packed.Direct(pw, pg, DirectConvolution.Block(isa).MR));
        // The kernels read native memory the packed weights free when finalized.
        GC.KeepAlive(packed);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        if (_fused)
            throw new InvalidOperationException(
                "SeparableConv2d.Backward after an inference pass: run Forward in training mode");
        return _depthwise.Backward(_pointwise.Backward(gradOutput));
    }
}
