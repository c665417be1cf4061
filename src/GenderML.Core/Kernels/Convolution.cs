namespace GenderML.Core.Kernels;

/// <summary>2-D convolution (cross-correlation, as in PyTorch and TensorFlow) over NCHW batches: forward and both backward passes.</summary>
/// <remarks>
/// Depthwise convolutions (one input and one output channel per group) run a direct kernel; so do the forward
/// passes of stride-1 convolutions on few channels (reading the padded image, nothing packed); everything else is
/// lowered to SGEMM through im2col, a few images at a time. Work is split into parts fixed by the geometry, so
/// results are bit-identical whatever <see cref="ComputeOptions.Threads"/> is.
/// </remarks>
public static partial class Convolution
{
    /// <summary><c>output[n,o,y,x] = bias[o] + Σ_{c,i,j} input[n, g·C/G + c, y·sh − pt + i, x·sw − pl + j] · weight[o,c,i,j]</c>, zero outside the input. <paramref name="bias"/> may be empty.</summary>
    /// <exception cref="ArgumentException">The geometry is inconsistent or a span is shorter than the geometry needs.</exception>
    public static void Forward(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, ComputeOptions? options = null)
        => Forward(g, input, weight, bias, default, relu: false, output, options);

    /// <summary>
    /// The convolution with its epilogue fused: <c>output = act(conv(input, weight) + bias[o] + residual)</c>, where
    /// <c>act</c> is <c>max(·, 0)</c> when <paramref name="relu"/> is set and the identity otherwise.
    /// <paramref name="bias"/> and <paramref name="residual"/> (shaped like the output) may be empty. The result
    /// equals the convolution followed by separate bias, residual-add and ReLU passes, bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is inconsistent or a span is shorter than the geometry needs.</exception>
    public static void Forward(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, bool relu, Span<float> output, ComputeOptions? options = null)
        => Forward(g, input, weight, bias, residual, relu, output, options, packed: null, winograd: null);

    /// <summary>
    /// As above, reading the weights from <paramref name="packed"/> (packed there on first use, Winograd's transformed
    /// weights too) when it is given. A non-null <paramref name="winograd"/> marks an evaluation-mode call, which takes
    /// the Winograd kernel from fewer tiles per image, whether the weights are frozen or not; it keeps the transformed
    /// weights of trainable weights between calls (when <paramref name="packed"/> is null). Training and frozen weights
    /// run a 3×3 stride-1 layer on F(4×4, 3×3) where that kernel takes it, trainable weights in evaluation mode on
    /// F(2×2, 3×3): the two round differently (within the kernels' tested tolerance).
    /// </summary>
    internal static unsafe void Forward(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, bool relu, Span<float> output, ComputeOptions? options, PackedWeights? packed = null, WinogradWeights? winograd = null)
    {
        Validate(g);
        CheckLength("input", input.Length, g.InputLength);
        CheckLength("weight", weight.Length, g.WeightLength);
        CheckBias(bias.Length, g);
        CheckLength("output", output.Length, g.OutputLength);
        if (!residual.IsEmpty) CheckLength("residual", residual.Length, g.OutputLength);
        if (g.OutputLength == 0) return;
        if (packed is not null && TrimmedTaps.Trim(g) is { } trimmed)
        {
            // A frozen layer whose kernel reaches past the image on every output pixel: the taps that remain.
            var taps = packed.Trimmed;
            Forward(trimmed, input, taps.Weights(weight, g, trimmed), bias, residual, relu, output, options, taps.Packed, winograd);
            return;
        }
        int threads = Threads(options);
        fixed (float* x = input, w = weight, b = bias, y = output, r = residual)
        {
            var ops = new ConvOperands(g, x, w, bias.IsEmpty ? null : b, y, residual: residual.IsEmpty ? null : r, relu: relu, packed: packed);
            if (IsDepthwise(g) && Depthwise3x3.Handles(g)) Depthwise3x3.Forward(ops, reluInput: false, threads);
            else if (IsDepthwise(g))
            {
                DepthwiseConvolution.Forward(ops, threads);
                if (ops.Residual != null || relu)
                    ConvEpilogue.Row(y, ops.Residual, y, 0f, hasBias: false, relu, g.OutputLength);
            }
            // Training (weights transformed per call) and frozen layers (transformed once into packed): F(4×4, 3×3)
            // where it applies; trainable weights in evaluation mode keep their F(2×2, 3×3) cache.
            else if ((packed is not null || winograd is null) && WinogradF4Convolution.Handles(g))
                WinogradF4Convolution.Forward(ops, threads);
            else if (WinogradConvolution.Handles(g, winograd is not null)) WinogradConvolution.Forward(ops, threads, winograd);
            // A frozen 1×1 convolution at stride 2 too: the pointwise kernel gathers the sampled pixels (same bits).
            else if (packed is not null && PointwiseConvolution.Handles(g)) PointwiseConvolution.Forward(ops, threads);
            else if (ChannelBlockedConvolution.Handles(g, packed is not null)) ChannelBlockedConvolution.Forward(ops, threads);
            else if (PointwiseConvolution.Handles(g)) PointwiseConvolution.Forward(ops, threads);
            else if (DirectConvolution.Handles(g)) DirectConvolution.Forward(ops, threads);
            else if (SmallMapConvolution.Handles(g, packed is not null)) SmallMapConvolution.Forward(ops, threads);
            else LoweredConvolution.Forward(ops, threads);
        }
        // The kernels read memory these objects own (and free when finalized or collected).
        GC.KeepAlive(packed);
        GC.KeepAlive(winograd);
    }

    /// <summary>∂L/∂input from ∂L/∂output: overwrites <paramref name="gradInput"/>.</summary>
    /// <exception cref="ArgumentException">The geometry is inconsistent or a span is shorter than the geometry needs.</exception>
    public static unsafe void BackwardInput(in ConvGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput, ComputeOptions? options = null)
    {
        Validate(g);
        CheckLength("gradOutput", gradOutput.Length, g.OutputLength);
        CheckLength("weight", weight.Length, g.WeightLength);
        CheckLength("gradInput", gradInput.Length, g.InputLength);
        if (g.InputLength == 0) return;
        if (g.OutputLength == 0)
        {
            gradInput[..g.InputLength].Clear();
            return;
        }
        int threads = Threads(options);
        Span<StridedBackwardInput.Parity> parities = stackalloc StridedBackwardInput.Parity[4];
        fixed (float* dy = gradOutput, w = weight, dx = gradInput)
        {
            var ops = new ConvOperands(g, dx, w, null, dy);
            if (IsDepthwise(g)) DepthwiseConvolution.BackwardInput(ops, threads);
            else if (WinogradF4Convolution.HandlesBackwardInput(g)) WinogradF4Convolution.BackwardInput(ops, threads);
            else if (WinogradConvolution.HandlesBackwardInput(g)) WinogradConvolution.BackwardInput(ops, threads);
            else if (DirectBackwardInput.Transposed(g) is { } gt) DirectBackwardInput.Run(ops, gt, threads, GemmBlocking.BestIsa);
            else if (StridedBackwardInput.Plan(g, parities)) StridedBackwardInput.Run(ops, parities, options);
            else LoweredConvolution.BackwardInput(ops, threads);
        }
    }

    /// <summary>∂L/∂weight and ∂L/∂bias from ∂L/∂output: <b>adds</b> into <paramref name="gradWeight"/> and <paramref name="gradBias"/> (which may be empty).</summary>
    /// <exception cref="ArgumentException">The geometry is inconsistent or a span is shorter than the geometry needs.</exception>
    public static unsafe void BackwardWeight(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias, ComputeOptions? options = null)
    {
        Validate(g);
        CheckLength("input", input.Length, g.InputLength);
        CheckLength("gradOutput", gradOutput.Length, g.OutputLength);
        CheckLength("gradWeight", gradWeight.Length, g.WeightLength);
        CheckBias(gradBias.Length, g);
        if (g.OutputLength == 0) return;
        int threads = Threads(options);
        fixed (float* x = input, dy = gradOutput, dw = gradWeight, db = gradBias)
        {
            var ops = new ConvOperands(g, x, dw, gradBias.IsEmpty ? null : db, dy);
            if (IsDepthwise(g)) DepthwiseConvolution.BackwardWeight(ops, threads);
            else if (WinogradWeightGradient.Handles(g)) WinogradWeightGradient.Run(ops, threads);
            else if (DirectWeightGradient.Handles(g)) DirectWeightGradient.Run(ops, threads, GemmBlocking.BestIsa);
            else LoweredConvolution.BackwardWeight(ops, threads);
        }
    }

    /// <summary>Whether <see cref="BackwardWeight"/> runs <paramref name="g"/> on <see cref="DirectWeightGradient"/>.</summary>
    internal static bool WeightGradientIsDirect(in ConvGeometry g) =>
        !IsDepthwise(g) && !WinogradWeightGradient.Handles(g) && DirectWeightGradient.Handles(g);

    private static bool IsDepthwise(in ConvGeometry g) =>
        g.Groups > 1 && g.InChannelsPerGroup == 1 && g.OutChannelsPerGroup == 1;

    private static int Threads(ComputeOptions? options) => (options ?? DefaultOptions).Threads;

    private static readonly ComputeOptions DefaultOptions = new();

    private static void Validate(in ConvGeometry g)
    {
        if (g.Batch < 0 || g.InChannels <= 0 || g.InHeight <= 0 || g.InWidth <= 0 || g.OutChannels <= 0
            || g.KernelHeight <= 0 || g.KernelWidth <= 0)
            throw new ArgumentException($"Convolution: sizes must be positive (batch may be 0): {g}");
        if (g.StrideHeight <= 0 || g.StrideWidth <= 0)
            throw new ArgumentException($"Convolution: strides must be positive: {g}");
        if (g.PadTop < 0 || g.PadLeft < 0 || g.PadBottom < 0 || g.PadRight < 0)
            throw new ArgumentException($"Convolution: padding must not be negative: {g}");
        if (g.Groups <= 0 || g.InChannels % g.Groups != 0 || g.OutChannels % g.Groups != 0)
            throw new ArgumentException($"Convolution: groups={g.Groups} must divide in channels ({g.InChannels}) and out channels ({g.OutChannels})");
        if (g.InHeight + g.PadTop + g.PadBottom < g.KernelHeight || g.InWidth + g.PadLeft + g.PadRight < g.KernelWidth)
            throw new ArgumentException($"Convolution: the {g.KernelHeight}×{g.KernelWidth} kernel is larger than the padded {g.InHeight}×{g.InWidth} input; add padding or use a smaller kernel");
    }

    private static void CheckLength(string name, int actual, int needed)
    {
        if (actual < needed)
            throw new ArgumentException($"Convolution: {name} holds {actual} values, the geometry needs {needed}", name);
    }

    private static void CheckBias(int length, in ConvGeometry g)
    {
        if (length != 0 && length != g.OutChannels)
            throw new ArgumentException($"Convolution: bias holds {length} values; pass one per output channel ({g.OutChannels}) or none", "bias");
    }
}

/// <summary>How <see cref="LoweredConvolution"/> lowers a convolution to SGEMM.</summary>
internal enum ConvLowering
{
    /// <summary>Whichever measured faster for the shape.</summary>
    Auto,

    /// <summary>Write the im2col matrix, multiply, and for stride-1 ∂X too, col2im.</summary>
    Explicit,

    /// <summary>Pack GEMM slivers straight from the padded image; stride-1 ∂X as a forward convolution with flipped weights.</summary>
    Implicit,
}

/// <summary>
/// The pointers of one convolution call. <c>Input</c> is x or ∂x, <c>Weight</c> w or ∂w, <c>Bias</c> b or ∂b (null
/// when absent), <c>Output</c> y or ∂y; the forward pass adds <c>Residual</c> (shaped like y, not y itself, or null)
/// and applies the ReLU when <c>Relu</c> is set.
/// </summary>
internal readonly unsafe struct ConvOperands(in ConvGeometry g, float* input, float* weight, float* bias, float* output,
    ConvLowering lowering = ConvLowering.Auto, float* residual = null, bool relu = false, PackedWeights? packed = null)
{
    /// <summary>The forward pass's weights packed once (a frozen layer's), or null to pack them per call.</summary>
    public readonly PackedWeights? Packed = packed;
    public readonly float* Residual = residual;
    public readonly bool Relu = relu;
    public readonly ConvGeometry G = g;
    public readonly ConvLowering Lowering = lowering;
    public readonly float* Input = input;
    public readonly float* Weight = weight;
    public readonly float* Bias = bias;
    public readonly float* Output = output;
}
