using GenderML.Core.Ops;

namespace GenderML.Core.Kernels;

public static partial class Convolution
{
    /// <summary>
    /// For training: <c>output = pool(relu(conv(input, weight) + bias))</c> with a plain 2×2 max pool in the
    /// convolution's output pass, each window's first maximum written to <paramref name="argmax"/> for the backward
    /// pass (<see cref="DirectConvolution.ForwardPooledArgmax"/>, or <see cref="SingleChannelPooledConvolution"/> for one input
    /// channel); the same numbers as the convolution, the ReLU, then the
    /// pool. False (nothing written) when the kernel does not take the pair.
    /// </summary>
    internal static unsafe bool TryForwardPooledArgmax(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in PoolGeometry pool, Span<float> output, Span<byte> argmax, ComputeOptions? options)
    {
        Validate(g);
        if (!DirectConvolution.HandlesPooledArgmax(g, pool) || ChannelBlockedConvolution.HandlesPooled(g, pool)) return false;
        CheckLength("input", input.Length, g.InputLength);
        CheckLength("weight", weight.Length, g.WeightLength);
        CheckBias(bias.Length, g);
        int pooled = (int)((long)pool.Planes * pool.OutHeight * pool.OutWidth);
        CheckLength("output", output.Length, pooled);
        CheckLength("argmax", argmax.Length, pooled);
        if (g.Batch == 0) return true;
        fixed (float* x = input, w = weight, b = bias, y = output)
        fixed (byte* a = argmax)
            if (SingleChannelPooledConvolution.Handles(g, pool))
                SingleChannelPooledConvolution.Forward(g, x, w, bias.IsEmpty ? null : b, y, a, Threads(options));
            else DirectConvolution.ForwardPooledArgmax(new ConvOperands(g, x, w, bias.IsEmpty ? null : b, null, relu: true), pool, y, a,
                Threads(options), GemmBlocking.BestIsa);
        return true;
    }
}
