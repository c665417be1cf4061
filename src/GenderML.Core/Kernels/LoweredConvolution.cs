namespace GenderML.Core.Kernels;

/// <summary>
/// Convolution through SGEMM. Images are taken a chunk at a time (chunk size fixed by the geometry, so that a
/// chunk spans at least ~512 output pixels); a chunk's im2col matrix is K × (images·OH·OW), K = C/G·KH·KW.
/// Forward: Y_g = W_g · col. ∂X: col = W_gᵀ · ∂Y_g, then col2im. ∂W: ∂W_g += ∂Y_g · colᵀ, summed over chunks
/// into a fixed number of partial sums that are added in a fixed order.
/// </summary>
internal static unsafe class LoweredConvolution
{
    private const int TargetColumns = 512;
    private const int MaxPartials = 4;

    /// <summary>Scratch slots: the padded input chunk (per thread), and the flipped weights of ∂X (calling thread).</summary>
    private const int PaddedSlot = 6, FlippedSlot = 7;

    private enum Pass { Forward, BackwardInput, BackwardWeight }

    public static void Forward(in ConvOperands ops, int threads) => RunChunks(Pass.Forward, ops, threads);

    public static void BackwardInput(in ConvOperands ops, int threads)
    {
        if (TransposedGeometry(ops.G) is { } gt)
        {
            // Stride 1: ∂X is the forward convolution of ∂Y (padded by KH−1−pt …) with the weights flipped in
            // space and with in/out channels swapped, which runs on the implicit-im2col forward path.
            var g = ops.G;
            float* flipped = NativeScratch.Get(FlippedSlot, g.WeightLength);
            FlipWeights(g, ops.Weight, flipped);
            RunChunks(Pass.Forward, new ConvOperands(gt, ops.Output, flipped, null, ops.Input), threads);
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
    /// convolution (in and out channels swapped within each group, taps reversed).
    /// </summary>
    internal static void FlipWeights(in ConvGeometry g, float* w, float* flipped)
    {
        int cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup, taps = g.KernelHeight * g.KernelWidth;
        for (int gi = 0; gi < g.Groups; gi++)
        for (int o = 0; o < opg; o++)
        for (int c = 0; c < cpg; c++)
        {
            float* src = w + ((long)(gi * opg + o) * cpg + c) * taps;
            float* dst = flipped + ((long)(gi * cpg + c) * opg + o) * taps + taps - 1;
            for (int t = 0; t < taps; t++) dst[-t] = src[t];
        }
    }

    public static void BackwardWeight(in ConvOperands ops, int threads)
    {
        var g = ops.G;
        int chunks = ChunkCount(g, out _);
        int partials = Math.Min(MaxPartials, chunks);
        if (partials <= 1)
        {
            for (int ch = 0; ch < chunks; ch++) WeightChunk(ops, ch, ops.Weight, ops.Bias, threads);
            return;
        }
        long stride = g.WeightLength + g.OutChannels;
        float* buffers = NativeScratch.Get(5, stride * partials);
        var job = ConvJob.Rent();
        job.Set(Pass.BackwardWeight, ops, partials, chunks, buffers);
        try { WorkerPool.Run(job, partials, threads); }
        finally { ConvJob.Return(job); }
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
        int chunks = ChunkCount(ops.G, out _);
        if (chunks < 2 * threads || threads <= 1)
        {
            // Few chunks: go through them in turn and let each GEMM use the threads (same results either way).
            for (int ch = 0; ch < chunks; ch++) RunChunk(pass, ops, ch, threads);
            return;
        }
        var job = ConvJob.Rent();
        job.Set(pass, ops, chunks, chunks, null);
        try { WorkerPool.Run(job, chunks, threads); }
        finally { ConvJob.Return(job); }
    }

    private static void RunChunk(Pass pass, in ConvOperands ops, int chunk, int threads)
    {
        if (pass == Pass.Forward) ForwardChunk(ops, chunk, threads);
        else BackwardInputChunk(ops, chunk, threads);
    }

    /// <summary>Chunks of the batch, and the images per chunk (the last chunk may hold fewer).</summary>
    private static int ChunkCount(in ConvGeometry g, out int perChunk)
    {
        int ohw = g.OutHeight * g.OutWidth;
        perChunk = Math.Clamp(TargetColumns / Math.Max(ohw, 1), 1, Math.Max(g.Batch, 1));
        return (g.Batch + perChunk - 1) / perChunk;
    }

    private static void ForwardChunk(in ConvOperands ops, int chunk, int threads)
    {
        var g = ops.G;
        ChunkCount(g, out int per);
        int n0 = chunk * per, count = Math.Min(per, g.Batch - n0);
        int ohw = g.OutHeight * g.OutWidth, cols = count * ohw, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        int k = cpg * g.KernelHeight * g.KernelWidth;
        long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
        float* temp = count > 1 ? NativeScratch.Get(4, (long)opg * cols) : null;
        var packer = Im2ColPacker.ForThisThread;
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* first = ops.Input + (long)n0 * imageStride + (long)gi * cpg * g.InHeight * g.InWidth;
            packer.Set(PaddedChunk.Fill(g, first, imageStride, cpg, count, PaddedSlot), g);
            float* w = ops.Weight + (long)gi * opg * k;
            if (count == 1)
            {
                float* y = ops.Output + ((long)n0 * g.OutChannels + gi * opg) * ohw;
                GemmDriver.Run(GemmBlocking.BestIsa, false, opg, cols, k, w, k, packer, y, ohw, false, threads);
            }
            else
            {
                GemmDriver.Run(GemmBlocking.BestIsa, false, opg, cols, k, w, k, packer, temp, cols, false, threads);
                for (int i = 0; i < count; i++)
                for (int o = 0; o < opg; o++)
                    new ReadOnlySpan<float>(temp + (long)o * cols + i * ohw, ohw)
                        .CopyTo(new Span<float>(ops.Output + (((long)(n0 + i) * g.OutChannels) + gi * opg + o) * ohw, ohw));
            }
        }
        if (ops.Bias != null)
            for (int i = 0; i < count; i++)
            for (int o = 0; o < g.OutChannels; o++)
                KernelMath.AddScalar(new Span<float>(ops.Output + ((long)(n0 + i) * g.OutChannels + o) * ohw, ohw), ops.Bias[o]);
    }

    private static void BackwardInputChunk(in ConvOperands ops, int chunk, int threads)
    {
        var g = ops.G;
        ChunkCount(g, out int per);
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

    private static void WeightChunk(in ConvOperands ops, int chunk, float* gradWeight, float* gradBias, int threads)
    {
        var g = ops.G;
        ChunkCount(g, out int per);
        int n0 = chunk * per, count = Math.Min(per, g.Batch - n0);
        int ohw = g.OutHeight * g.OutWidth, cols = count * ohw, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        int k = cpg * g.KernelHeight * g.KernelWidth;
        long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
        float* temp = count > 1 ? NativeScratch.Get(4, (long)opg * cols) : null;
        var packer = Im2ColTransposedPacker.ForThisThread;
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* first = ops.Input + (long)n0 * imageStride + (long)gi * cpg * g.InHeight * g.InWidth;
            packer.Set(PaddedChunk.Fill(g, first, imageStride, cpg, count, PaddedSlot), g);
            float* dy = GatherGradOutput(ops, n0, count, gi, temp);
            GemmDriver.Run(GemmBlocking.BestIsa, false, opg, k, cols, dy, cols, packer, gradWeight + (long)gi * opg * k, k, true, threads);
            if (gradBias != null)
                for (int o = 0; o < opg; o++)
                    gradBias[gi * opg + o] += KernelMath.Sum(new ReadOnlySpan<float>(dy + (long)o * cols, cols));
        }
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
        for (int ch = partial; ch < chunks; ch += partials)
            WeightChunk(ops, ch, part, ops.Bias != null ? part + g.WeightLength : null, threads: 1);
    }

    private sealed class ConvJob : ParallelJob
    {
        [ThreadStatic] private static ConvJob? t_cached;
        private Pass _pass;
        private ConvOperands _ops;
        private int _items, _chunks;
        private float* _buffers;

        public static ConvJob Rent()
        {
            var job = t_cached ?? new ConvJob();
            t_cached = null;
            return job;
        }

        public static void Return(ConvJob job) => t_cached = job;

        public void Set(Pass pass, in ConvOperands ops, int items, int chunks, float* buffers)
        {
            _pass = pass; _ops = ops; _items = items; _chunks = chunks; _buffers = buffers;
        }

        public override void Execute(int item)
        {
            if (_pass == Pass.BackwardWeight) WeightPartial(_ops, item, _items, _chunks, _buffers);
            else RunChunk(_pass, _ops, item, threads: 1);
        }
    }
}
