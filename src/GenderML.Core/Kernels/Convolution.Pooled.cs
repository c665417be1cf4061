using GenderML.Core.Ops;

namespace GenderML.Core.Kernels;

public static partial class Convolution
{
    /// <summary>
    /// <c>output = pool(act(conv(input, weight) + bias))</c> with the max pool <paramref name="pool"/> run in the
    /// convolution's output pass (<see cref="DirectConvolution.ForwardPooled(in ConvOperands, in PoolGeometry, float*, int)"/>),
    /// the same numbers as the convolution then the pool; false (nothing written) when no kernel fuses the two.
    /// </summary>
    internal static unsafe bool TryForwardPooled(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, bool relu, in PoolGeometry pool, Span<float> output, ComputeOptions? options, PackedWeights? packed)
    {
        Validate(g);
        if (!DirectConvolution.HandlesPooled(g, pool)) return false;
        CheckLength("input", input.Length, g.InputLength);
        CheckLength("weight", weight.Length, g.WeightLength);
        CheckBias(bias.Length, g);
        CheckLength("output", output.Length, (int)((long)pool.Planes * pool.OutHeight * pool.OutWidth));
        if (g.Batch == 0) return true;
        fixed (float* x = input, w = weight, b = bias, y = output)
        {
            var ops = new ConvOperands(g, x, w, bias.IsEmpty ? null : b, null, relu: relu, packed: packed);
            DirectConvolution.ForwardPooled(ops, pool, y, Threads(options));
        }
        GC.KeepAlive(packed);
        return true;
    }
}
