namespace GenderML.Core.Kernels;

/// <summary>
/// ∂X of a stride-1 convolution as the forward pass of <see cref="DirectConvolution"/>: ∂X is the convolution of ∂Y
/// (padded by KH−1−pt above, …) with the weights flipped in space and with in and out channels swapped
/// (<see cref="LoweredConvolution.TransposedGeometry"/>), so when that convolution reads few channels (≤ 64 output
/// channels of the original) it runs on the direct kernel: no column matrix, no col2im, nothing packed but the
/// weights.
/// </summary>
/// <remarks>Bit-identical for any thread count, as the direct forward pass.</remarks>
internal static unsafe class DirectBackwardInput
{
    /// <summary>Scratch slot of the flipped weights (one no forward kernel uses).</summary>
    private const int FlippedSlot = 8;

    /// <summary>The transposed geometry when this kernel takes ∂X of <paramref name="g"/>, else null.</summary>
    public static ConvGeometry? Transposed(in ConvGeometry g) =>
        g.Groups == 1 && LoweredConvolution.TransposedGeometry(g) is { } gt && DirectConvolution.Handles(gt) ? gt : null;

    /// <summary>∂X (overwritten) from ∂Y: <c>ops.Input</c> is ∂X, <c>ops.Output</c> ∂Y, <c>ops.Weight</c> W.</summary>
    public static void Run(in ConvOperands ops, ConvGeometry gt, int threads, GemmIsa isa)
    {
        var g = ops.G;
        float* flipped = NativeScratch.Get(FlippedSlot, g.WeightLength);
        LoweredConvolution.FlipWeights(g, ops.Weight, flipped, 0, 1);
        DirectConvolution.Forward(new ConvOperands(gt, ops.Output, flipped, null, ops.Input), threads, isa);
    }
}
