namespace GenderML.Core.Kernels;

/// <summary>
/// Convolution through SGEMM. Images are taken a chunk at a time (chunk size fixed by the geometry, so that a
/// chunk spans at least ~1024 output pixels); a chunk's im2col matrix is K × (images·OH·OW), K = C/G·KH·KW.
/// Forward: Y_g = W_g · col. ∂X: col = W_gᵀ · ∂Y_g, then col2im — or, for stride 1, the forward convolution of
/// ∂Y with spatially flipped, channel-transposed weights. ∂W: ∂W_g += ∂Y_g · colᵀ, summed over chunks into a
/// fixed number of partial sums that are added in a fixed order. For most shapes col is never written: the
/// GEMM packs its slivers straight from a zero-padded copy of the chunk (<see cref="Im2ColPacker"/>,
/// <see cref="Im2ColTransposedPacker"/>); see <see cref="ImplicitForward"/> and its siblings for the choice.
/// </summary>
internal static unsafe partial class LoweredConvolution
{
    private const int TargetColumns = 1024;
    private const int MaxPartials = 4;

    /// <summary>Scratch slots: the padded input chunk (per thread), and the flipped weights of ∂X (calling thread).</summary>
    private const int PaddedSlot = 6, FlippedSlot = 7;

    private enum Pass { Forward, BackwardInput, BackwardWeight, FlipWeights }

    /// <summary>Weights at least this long are flipped by all threads (it is a memory-bound copy).</summary>
    private const int ParallelFlipLength = 1 << 16;

    public static void Forward(in ConvOperands ops, int threads) => RunChunks(Pass.Forward, ops, threads);

    public static void BackwardInput(in ConvOperands ops, int threads)
    {
        if (TransposedInput(ops) && TransposedGeometry(ops.G) is { } gt)
        {
            // Stride 1: ∂X is the forward convolution of ∂Y (padded by KH−1−pt …) with the weights flipped in
            // space and with in/out channels swapped, which runs on the implicit-im2col forward path.
            var g = ops.G;
            float* flipped = NativeScratch.Get(FlippedSlot, g.WeightLength);
            int parts = threads > 1 && g.WeightLength >= ParallelFlipLength ? 2 * threads : 1;
            if (parts == 1) FlipWeights(g, ops.Weight, flipped, 0, 1);
            else
            {
                var job = JobCache<ConvJob>.Rent();
                job.Set(Pass.FlipWeights, ops, parts, 0, 0, flipped);
                JobCache<ConvJob>.RunAndReturn(job, parts, threads);
            }
            RunChunks(Pass.Forward, new ConvOperands(gt, ops.Output, flipped, null, ops.Input, ops.Lowering), threads);
            return;
        }
        RunChunks(Pass.BackwardInput, ops, threads);
    }

    /// <summary>The geometry of ∂X = conv(∂Y, flipped W) for a stride-1 convolution, or null when another is needed.</summary>
    internal static ConvGeometry? TransposedGeometry(in ConvGeometry g)
    {
        if (g.StrideHeight != 1 || g.StrideWidth != 1) return null;
        int kh = g.KernelHeight, kw = g.KernelWidth;
        if (g.PadTop >= kh || g.PadBottom >= kh || g.PadLeft >= kw || g.PadRight >= kw) return null;
        return new ConvGeometry(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth, g.InChannels, kh, kw, 1, 1,
            kh - 1 - g.PadTop, kw - 1 - g.PadLeft, kh - 1 - g.PadBottom, kw - 1 - g.PadRight, g.Groups);
    }

    /// <summary>
    /// <c>flipped[(gi·C/G + c), o, KH−1−i, KW−1−j] = w[(gi·OC/G + o), c, i, j]</c>: the weights of the transposed
    /// convolution (in and out channels swapped within each group, taps reversed), for input channels
    /// [C/G·part/parts, C/G·(part+1)/parts) of each group.
    /// </summary>
    internal static void FlipWeights(in ConvGeometry g, float* w, float* flipped, int part, int parts)
    {
        int cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup, taps = g.KernelHeight * g.KernelWidth;
        int c0 = (int)((long)cpg * part / parts), c1 = (int)((long)cpg * (part + 1) / parts);
        // Tiles of 16 output channels: 16 sequential read streams, one sequential write stream.
        const int Tile = 16;
        for (int gi = 0; gi < g.Groups; gi++)
        for (int o0 = 0; o0 < opg; o0 += Tile)
        {
            int o1 = Math.Min(opg, o0 + Tile);
            for (int c = c0; c < c1; c++)
            {
                float* dst = flipped + ((long)(gi * cpg + c) * opg + o0) * taps + taps - 1;
                for (int o = o0; o < o1; o++, dst += taps)
                {
                    float* src = w + ((long)(gi * opg + o) * cpg + c) * taps;
                    for (int t = 0; t < taps; t++) dst[-t] = src[t];
                }
            }
        }
    }

    public static void BackwardWeight(in ConvOperands ops, int threads)
    {
        var g = ops.G;
        int chunks = ChunkCount(g, out int per);
        int partials = Math.Min(MaxPartials, chunks);
        if (partials <= 1)
        {
            for (int ch = 0; ch < chunks; ch++) WeightChunk(ops, ch, per, ops.Weight, ops.Bias, threads);
            return;
        }
        long stride = g.WeightLength + g.OutChannels;
        float* buffers = NativeScratch.Get(5, stride * partials);
        var job = JobCache<ConvJob>.Rent();
        job.Set(Pass.BackwardWeight, ops, partials, chunks, 0, buffers);
        JobCache<ConvJob>.RunAndReturn(job, partials, threads);
        for (int s = 0; s < partials; s++)
        {
            float* part = buffers + s * stride;
            KernelMath.AddInPlace(new Span<float>(ops.Weight, g.WeightLength), new ReadOnlySpan<float>(part, g.WeightLength));
            if (ops.Bias != null)
                KernelMath.AddInPlace(new Span<float>(ops.Bias, g.OutChannels), new ReadOnlySpan<float>(part + g.WeightLength, g.OutChannels));
        }
    }

    private static void RunChunks(Pass pass, in ConvOperands ops, int threads)
    {
        var g = ops.G;
        int chunks = ChunkCount(g, out int per);
        if (pass == Pass.Forward && threads > 1 && chunks < 2 * threads)
        {
            // Few chunks: one per thread instead, each with a single-threaded GEMM, so that packing and the
            // copies around the GEMM run in parallel too. The forward pass computes every output element the
            // same way whatever the chunks, so this changes no result. (Explicit ∂X keeps one GEMM over the
            // threads: its transposed A would be packed once per chunk.)
            per = (g.Batch + Math.Min(threads, g.Batch) - 1) / Math.Min(threads, g.Batch);
            chunks = (g.Batch + per - 1) / per;
        }
        if (pass == Pass.Forward && ops.Packed is { } packed)
        {
            // Weights kept packed are packed here, on the calling thread, in the layout of the first chunk; the
            // chunks only read them (a last chunk that needs the other layout packs its own).
            var blocking = GemmBlocking.For(GemmBlocking.BestIsa);
            if (Transposed(g, Math.Min(per, g.Batch) * g.OutHeight * g.OutWidth, blocking)) packed.GemmTransposed(ops.Weight, g, blocking);
            else packed.Gemm(ops.Weight, g, blocking);
        }
        if (chunks < threads || threads <= 1)
        {
            for (int ch = 0; ch < chunks; ch++) RunChunk(pass, ops, ch, per, threads);
            return;
        }
        var job = JobCache<ConvJob>.Rent();
        job.Set(pass, ops, chunks, chunks, per, null);
        JobCache<ConvJob>.RunAndReturn(job, chunks, threads);
    }

    private static void RunChunk(Pass pass, in ConvOperands ops, int chunk, int per, int threads)
    {
        if (pass == Pass.Forward) ForwardChunk(ops, chunk, per, threads);
        else BackwardInputChunk(ops, chunk, per, threads);
    }

    /// <summary>Chunks of the batch, and the images per chunk (the last chunk may hold fewer).</summary>
    private static int ChunkCount(in ConvGeometry g, out int perChunk)
    {
        int ohw = g.OutHeight * g.OutWidth;
        perChunk = Math.Clamp(TargetColumns / Math.Max(ohw, 1), 1, Math.Max(g.Batch, 1));
        return (g.Batch + perChunk - 1) / perChunk;
    }

    /// <summary>∂Y of group <paramref name="gi"/> for images n0…n0+count−1 as one (C/G) × (count·OH·OW) matrix: in place for one image, else copied into <paramref name="temp"/>.</summary>
    private static float* GatherGradOutput(in ConvOperands ops, int n0, int count, int gi, float* temp)
    {
        var g = ops.G;
        int ohw = g.OutHeight * g.OutWidth, cols = count * ohw, opg = g.OutChannelsPerGroup;
        if (count == 1) return ops.Output + ((long)n0 * g.OutChannels + gi * opg) * ohw;
        for (int i = 0; i < count; i++)
        for (int o = 0; o < opg; o++)
            new ReadOnlySpan<float>(ops.Output + (((long)(n0 + i) * g.OutChannels) + gi * opg + o) * ohw, ohw)
                .CopyTo(new Span<float>(temp + (long)o * cols + i * ohw, ohw));
        return temp;
    }

    private static void WeightPartial(in ConvOperands ops, int partial, int partials, int chunks, float* buffers)
    {
        var g = ops.G;
        long stride = g.WeightLength + g.OutChannels;
        float* part = buffers + partial * stride;
        new Span<float>(part, (int)stride).Clear();
        ChunkCount(g, out int per);
        for (int ch = partial; ch < chunks; ch += partials)
            WeightChunk(ops, ch, per, part, ops.Bias != null ? part + g.WeightLength : null, threads: 1);
    }

    private sealed class ConvJob : ParallelJob
    {
        private Pass _pass;
        private ConvOperands _ops;
        private int _items, _chunks, _per;
        private float* _buffers;

        public void Set(Pass pass, in ConvOperands ops, int items, int chunks, int per, float* buffers)
        {
            _pass = pass; _ops = ops; _items = items; _chunks = chunks; _per = per; _buffers = buffers;
        }

        public override void Execute(int item)
        {
            if (_pass == Pass.BackwardWeight) WeightPartial(_ops, item, _items, _chunks, _buffers);
            else if (_pass == Pass.FlipWeights) FlipWeights(_ops.G, _ops.Weight, _buffers, item, _items);
            else RunChunk(_pass, _ops, item, _per, threads: 1);
        }
    }
}
