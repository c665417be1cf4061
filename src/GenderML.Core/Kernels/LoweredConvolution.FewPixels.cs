namespace GenderML.Core.Kernels;

/// <summary>
/// The forward pass for chunks of few output pixels and many output channels (a single image's 4×4 or 2×2 maps at
/// 256 channels): there the GEMM's NR-wide register blocks would run mostly over padding along the pixels. Computed
/// transposed instead — Yᵀ (pixels × channels) = colᵀ · Wᵀ, the channels along the register blocks' NR columns —
/// then read back transposed by the epilogue (bias, residual, ReLU) as it writes the output. Each output is the same
/// sum in the same order as on the usual path (the microkernels' multiply-adds only swap operands), and the epilogue's
/// additions are those of <see cref="ConvEpilogue.Row"/>, so results are bit-identical.
/// </summary>
internal static unsafe partial class LoweredConvolution
{
    /// <summary>Scratch slot of the transposed path: Yᵀ (this thread).</summary>
    private const int TransposedSlot = 4;

    /// <summary>Whether a forward chunk of <paramref name="cols"/> output pixels runs transposed: at least 20% less padded work.</summary>
    internal static bool Transposed(in ConvGeometry g, int cols, in GemmBlocking bk)
    {
        long opg = g.OutChannelsPerGroup;
        long usual = RoundUp(opg, bk.MR) * RoundUp(cols, bk.NR), transposed = RoundUp(cols, bk.MR) * RoundUp(opg, bk.NR);
        return transposed * 5 < usual * 4;
    }

    private static void ForwardChunkTransposed(in ConvOperands ops, int n0, int count, int threads)
    {
        var g = ops.G;
        var bk = GemmBlocking.For(GemmBlocking.BestIsa);
        int ohw = g.OutHeight * g.OutWidth, cols = count * ohw, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        int k = cpg * g.KernelHeight * g.KernelWidth;
        long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
        float* col = NativeScratch.Get(3, (long)k * cols);
        float* yt = NativeScratch.Get(TransposedSlot, (long)cols * opg);
        float* packedB = ops.Packed is { } packed ? packed.PackedGemmTransposed(g, bk) : null;
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* first = ops.Input + (long)n0 * imageStride + (long)gi * cpg * g.InHeight * g.InWidth;
            for (int i = 0; i < count; i++) Im2Col.Lower(g, first + i * imageStride, cpg, col + i * ohw, cols);
            float* w = ops.Weight + (long)gi * opg * k;
            GemmDriver.Run(bk, true, true, cols, opg, k, col, cols, w, k, yt, opg, false, threads,
                packedB: packedB == null ? null : packedB + gi * PackedWeights.TransposedGroupLength(g, bk));
            for (int i = 0; i < count; i++)
            for (int o = 0; o < opg; o++)
            {
                long at = (((long)(n0 + i) * g.OutChannels) + gi * opg + o) * ohw;
                EpilogueStrided(yt + (long)i * ohw * opg + o, opg, ops.Residual == null ? null : ops.Residual + at,
                    ops.Output + at, ops.Bias == null ? 0f : ops.Bias[gi * opg + o], ops.Bias != null, ops.Relu, ohw);
            }
        }
    }

    /// <summary><c>dst[j] = act(src[j·stride] + bias + residual[j])</c> for j &lt; <paramref name="n"/>, in the order of
    /// <see cref="ConvEpilogue.Row"/>'s additions.</summary>
    private static void EpilogueStrided(float* src, int stride, float* residual, float* dst, float bias, bool hasBias,
        bool relu, int n)
    {
        for (int j = 0; j < n; j++)
        {
            float v = src[(long)j * stride];
            if (hasBias) v += bias;
            if (residual != null) v += residual[j];
            if (relu) v = MathF.Max(v, 0f);
            dst[j] = v;
        }
    }

    private static long RoundUp(long x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
