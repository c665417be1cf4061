namespace GenderML.Core.Kernels;

/// <summary>The per-chunk passes of <see cref="LoweredConvolution"/>, and which lowering each shape takes.</summary>
internal static unsafe partial class LoweredConvolution
{
    /// <summary>
    /// Whether the forward pass packs the GEMM's B straight from the padded image (implicit im2col) rather than
    /// from a written-out column matrix. A 1×1 kernel's column matrix is no bigger than the input: write it.
    /// </summary>
    internal static bool ImplicitForward(in ConvOperands ops) =>
        ops.Lowering == ConvLowering.Implicit || (ops.Lowering == ConvLowering.Auto && ops.G.KernelHeight * ops.G.KernelWidth > 1);

    /// <summary>
    /// Whether ∂W packs colᵀ from the padded image: by 8×8 transposes when eight pixels are one or a few runs of the
    /// image (see <see cref="Im2ColTransposedPacker"/>), else by gathers. It loses to the explicit path only for
    /// stride-1 maps of odd widths with few output channels (cnn2's conv2), where gathers dominate.
    /// </summary>
    internal static bool ImplicitWeight(in ConvOperands ops)
    {
        var g = ops.G;
        return ops.Lowering == ConvLowering.Implicit || (ops.Lowering == ConvLowering.Auto
            && g.KernelHeight * g.KernelWidth > 1
            && ((g.StrideWidth == 1 && g.OutWidth % 8 == 0) || g.StrideWidth > 1 || g.OutChannelsPerGroup >= 128));
    }

    /// <summary>Whether stride-1 ∂X runs as a forward convolution of ∂Y with flipped weights (whose GEMM has C/G rows).</summary>
    internal static bool TransposedInput(in ConvOperands ops) =>
        ops.Lowering == ConvLowering.Implicit
        || (ops.Lowering == ConvLowering.Auto && ops.G.InChannelsPerGroup >= 64 && ops.G.KernelHeight * ops.G.KernelWidth > 1);

    private static void ForwardChunk(in ConvOperands ops, int chunk, int per, int threads)
    {
        var g = ops.G;
        int n0 = chunk * per, count = Math.Min(per, g.Batch - n0);
        if (Transposed(g, count * g.OutHeight * g.OutWidth, GemmBlocking.For(GemmBlocking.BestIsa)))
        {
            ForwardChunkTransposed(ops, n0, count, threads);
            return;
        }
        int ohw = g.OutHeight * g.OutWidth, cols = count * ohw, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        int k = cpg * g.KernelHeight * g.KernelWidth;
        long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
        float* temp = count > 1 && ohw % 32 != 0 ? NativeScratch.Get(4, (long)opg * cols) : null;
        bool implicitB = ImplicitForward(ops);
        var packer = Im2ColPacker.ForThisThread;
        float* col = implicitB ? null : NativeScratch.Get(3, (long)k * cols);
        var blocking = GemmBlocking.For(GemmBlocking.BestIsa);
        float* packedA = ops.Packed is { } packed ? packed.PackedGemm(g, blocking) : null;
        long packedGroup = (long)(opg + blocking.MR - 1) / blocking.MR * blocking.MR * k;
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* first = ops.Input + (long)n0 * imageStride + (long)gi * cpg * g.InHeight * g.InWidth;
            // One image under a plain 1×1 kernel: its C/G × HW planes are the column matrix already.
            float* b = col;
            if (implicitB) packer.Set(PaddedChunk.Fill(g, first, imageStride, cpg, count, PaddedSlot), g);
            else if (count == 1 && IsPlainPointwise(g)) b = first;
            else
                for (int i = 0; i < count; i++) Im2Col.Lower(g, first + i * imageStride, cpg, col + i * ohw, cols);
            float* w = ops.Weight + (long)gi * opg * k;
            // Several images whose planes hold whole register blocks: the GEMM writes them in place, and applies
            // bias, residual and ReLU to each register block as it leaves it.
            bool inPlace = count == 1 || ohw % 32 == 0;
            float* y = inPlace ? ops.Output + ((long)n0 * g.OutChannels + gi * opg) * ohw : temp;
            int ldy = inPlace ? ohw : cols;
            int segment = count > 1 && inPlace ? ohw : 0;
            var epilogue = inPlace ? Epilogue(ops).FromRow(gi * opg) : default;
            GemmDriver.Run(blocking, false, false, opg, cols, k, w, k, b, cols, y, ldy, false, threads,
                implicitB ? packer : null, segment, (long)g.OutChannels * ohw, epilogue,
                packedA == null ? null : packedA + gi * packedGroup);
            if (!inPlace)
            {
                for (int i = 0; i < count; i++)
                for (int o = 0; o < opg; o++)
                {
                    long at = (((long)(n0 + i) * g.OutChannels) + gi * opg + o) * ohw;
                    ConvEpilogue.Row(temp + (long)o * cols + i * ohw, ops.Residual == null ? null : ops.Residual + at,
                        ops.Output + at, ops.Bias == null ? 0f : ops.Bias[gi * opg + o], ops.Bias != null, ops.Relu, ohw);
                }
            }
        }
    }

    /// <summary>A 1×1 kernel, stride 1, no padding: output pixel p of channel o reads input pixel p only.</summary>
    private static bool IsPlainPointwise(in ConvGeometry g) =>
        g.KernelHeight == 1 && g.KernelWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1
        && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;

    /// <summary>The forward pass's epilogue for C = the output (row i = output channel i).</summary>
    private static ConvEpilogue Epilogue(in ConvOperands ops) =>
        new(ops.Bias, ops.Residual != null, ops.Residual == null ? 0 : (nint)(ops.Residual - ops.Output), ops.Relu);

    private static void BackwardInputChunk(in ConvOperands ops, int chunk, int per, int threads)
    {
        var g = ops.G;
        int n0 = chunk * per, count = Math.Min(per, g.Batch - n0);
        int ohw = g.OutHeight * g.OutWidth, cols = count * ohw, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        int hw = g.InHeight * g.InWidth, k = cpg * g.KernelHeight * g.KernelWidth;
        new Span<float>(ops.Input + (long)n0 * g.InChannels * hw, count * g.InChannels * hw).Clear();
        float* col = NativeScratch.Get(3, (long)k * cols);
        float* temp = count > 1 ? NativeScratch.Get(4, (long)opg * cols) : null;
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* dy = GatherGradOutput(ops, n0, count, gi, temp);
            float* w = ops.Weight + (long)gi * opg * k;
            GemmDriver.Run(GemmBlocking.BestIsa, true, false, k, cols, opg, w, k, dy, cols, col, cols, false, threads);
            for (int i = 0; i < count; i++)
                Im2Col.Raise(g, col + i * ohw, cols, cpg, ops.Input + ((long)(n0 + i) * g.InChannels + gi * cpg) * hw);
        }
    }

    private static void WeightChunk(in ConvOperands ops, int chunk, int per, float* gradWeight, float* gradBias, int threads)
    {
        var g = ops.G;
        int n0 = chunk * per, count = Math.Min(per, g.Batch - n0);
        int ohw = g.OutHeight * g.OutWidth, cols = count * ohw, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        int k = cpg * g.KernelHeight * g.KernelWidth;
        long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
        float* temp = count > 1 ? NativeScratch.Get(4, (long)opg * cols) : null;
        bool implicitB = ImplicitWeight(ops);
        var packer = Im2ColTransposedPacker.ForThisThread;
        float* col = implicitB ? null : NativeScratch.Get(3, (long)k * cols);
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* first = ops.Input + (long)n0 * imageStride + (long)gi * cpg * g.InHeight * g.InWidth;
            if (implicitB) packer.Set(PaddedChunk.Fill(g, first, imageStride, cpg, count, PaddedSlot), g);
            else
                for (int i = 0; i < count; i++) Im2Col.Lower(g, first + i * imageStride, cpg, col + i * ohw, cols);
            float* dy = GatherGradOutput(ops, n0, count, gi, temp);
            float* dw = gradWeight + (long)gi * opg * k;
            if (implicitB) GemmDriver.Run(GemmBlocking.BestIsa, false, opg, k, cols, dy, cols, packer, dw, k, true, threads);
            else GemmDriver.Run(GemmBlocking.BestIsa, false, true, opg, k, cols, dy, cols, col, cols, dw, k, true, threads);
            if (gradBias != null)
                for (int o = 0; o < opg; o++)
                    gradBias[gi * opg + o] += KernelMath.Sum(new ReadOnlySpan<float>(dy + (long)o * cols, cols));
        }
    }
}
