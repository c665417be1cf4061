namespace GenderML.Core.Kernels;

/// <summary>2-D convolution (cross-correlation, as in PyTorch and TensorFlow) over NCHW batches: forward and both backward passes.</summary>
public static class Convolution
{
    /// <summary><c>output[n,o,y,x] = bias[o] + Σ_{c,i,j} input[n, g·C/G + c, y·sh − pt + i, x·sw − pl + j] · weight[o,c,i,j]</c>, zero outside the input. <paramref name="bias"/> may be empty.</summary>
    public static void Forward(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, ComputeOptions? options = null)
        => ConvolutionReference.Forward(g, input, weight, bias, output);

    /// <summary>∂L/∂input from ∂L/∂output: overwrites <paramref name="gradInput"/>.</summary>
    public static void BackwardInput(in ConvGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput, ComputeOptions? options = null)
        => ConvolutionReference.BackwardInput(g, gradOutput, weight, gradInput);

    /// <summary>∂L/∂weight and ∂L/∂bias from ∂L/∂output: <b>adds</b> into <paramref name="gradWeight"/> and <paramref name="gradBias"/> (which may be empty).</summary>
    public static void BackwardWeight(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias, ComputeOptions? options = null)
        => ConvolutionReference.BackwardWeight(g, input, gradOutput, gradWeight, gradBias);
}
