using GenderML.Core.Ops;

namespace GenderML.Core.Kernels;

public static partial class Convolution
{
    /// <summary>Whether a kernel runs the convolution <paramref name="g"/> with the max pool <paramref name="pool"/> of
    /// its output in one pass.</summary>
    internal static bool HandlesPooled(in ConvGeometry g, in PoolGeometry pool) =>
        ChannelBlockedConvolution.HandlesPooled(g, pool) || DirectConvolution.HandlesPooled(g, pool);

    /// <summary>
    /// <c>output = pool(act(conv(input, weight) + bias))</c>, act the ReLU when <paramref name="relu"/>, a leaky ReLU
    /// when <paramref name="leakySlope"/> (≥ 0) is not NaN, else nothing, with the max pool <paramref name="pool"/> run in the
    /// convolution's output pass (<see cref="ChannelBlockedConvolution.ForwardPooled"/>, else
    /// <see cref="DirectConvolution.ForwardPooled(in ConvOperands, in PoolGeometry, float*, int)"/>), the same numbers
    /// as the convolution then the pool; false (nothing written) when no kernel fuses the two.
    /// </summary>
    internal static unsafe bool TryForwardPooled(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, bool relu, float leakySlope, in PoolGeometry pool, Span<float> output, ComputeOptions? options, PackedWeights? packed)
    {
        Validate(g);
        bool leaky = !float.IsNaN(leakySlope);
        if (leaky && (relu || leakySlope < 0f)) return false;
        bool blocked = !leaky && ChannelBlockedConvolution.HandlesPooled(g, pool);
        if (!blocked && !DirectConvolution.HandlesPooled(g, pool)) return false;
        CheckLength("input", input.Length, g.InputLength);
        CheckLength("weight", weight.Length, g.WeightLength);
        CheckBias(bias.Length, g);
        CheckLength("output", output.Length, (int)((long)pool.Planes * pool.OutHeight * pool.OutWidth));
        if (g.Batch == 0) return true;
        fixed (float* x = input, w = weight, b = bias, y = output)
        {
            var ops = new ConvOperands(g, x, w, bias.IsEmpty ? null : b, null, relu: relu, packed: packed);
            if (blocked) ChannelBlockedConvolution.ForwardPooled(ops, pool, y, Threads(options));
            else if (leaky) DirectConvolution.ForwardPooledLeaky(ops, pool, leakySlope, y, Threads(options), GemmBlocking.BestIsa);
            else DirectConvolution.ForwardPooled(ops, pool, y, Threads(options));
        }
        GC.KeepAlive(packed);
        return true;
    }
}
