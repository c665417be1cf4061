namespace GenderML.Core.Kernels;

/// <summary>
/// Forward of a depthwise 3×3 convolution (<see cref="Depthwise3x3"/>) followed by a 1×1 one
/// (<see cref="PointwiseConvolution"/>), an image at a time in bands of output rows: the depthwise output of one band
/// goes to the thread's scratch, where the pointwise GEMM reads it while it is still in cache, instead of a
/// batch-sized tensor written to memory and read back. Each value is computed exactly as by the two kernels in turn.
/// </summary>
/// <remarks>Work items are images, so this pays when there are at least as many images as threads; the caller runs
/// the two kernels in turn otherwise.</remarks>
internal static unsafe class SeparableConvolution
{
    private const int DepthwiseSlot = 5;

    /// <summary>
    /// <paramref name="depthwise"/>: the depthwise operands (input x, its weights; output unused);
    /// <paramref name="pointwise"/>: the 1×1 operands (input unused; weights, bias, residual, ReLU, output).
    /// </summary>
    public static void Forward(in ConvOperands depthwise, bool reluInput, in ConvOperands pointwise, int threads,
        float* packed = null)
        => Forward(depthwise, reluInput, pointwise, threads, GemmBlocking.BestIsa, packed);

    /// <summary>
    /// The forward pass on <paramref name="isa"/> (tests run every instruction set the machine has), with the
    /// pointwise weights as <see cref="PointwiseConvolution.PackWeights"/> left them in <paramref name="packed"/>, or
    /// packed here when it is null.
    /// </summary>
    public static void Forward(in ConvOperands depthwise, bool reluInput, in ConvOperands pointwise, int threads,
        GemmIsa isa, float* packed = null)
    {
        PointwiseConvolution.Pack(pointwise.G, pointwise.Weight, isa, BandRows(depthwise.G) * depthwise.G.OutWidth,
            packed, out float* a, out int* offsets);
        var job = Job.Rent();
        job.Set(depthwise, reluInput, pointwise, isa, a, offsets);
        try { WorkerPool.Run(job, depthwise.G.Batch, threads); }
        finally { Job.Return(job); }
    }

    /// <summary>Output rows per band: the band's depthwise output (C × rows × OW) about 96 KB, so it stays in L2.
    /// </summary>
    private static int BandRows(in ConvGeometry g) =>
        Math.Clamp(96 * 1024 / (4 * g.InChannels * g.OutWidth), 1, g.OutHeight);

    private static void Image(in ConvOperands dw, bool reluInput, in ConvOperands pw, GemmIsa isa, float* a, int* offsets, int n)
    {
        var g = dw.G;
        int c = g.InChannels, ow = g.OutWidth, band = BandRows(g), pitch = band * ow;
        float* map = NativeScratch.Get(DepthwiseSlot, (long)c * pitch);
        var one = new ConvOperands(g with { Batch = 1 }, dw.Input + (long)n * c * g.InHeight * g.InWidth, dw.Weight,
            null, null);
        for (int y0 = 0; y0 < g.OutHeight; y0 += band)
        {
            int y1 = Math.Min(g.OutHeight, y0 + band);
            for (int plane = 0; plane < c; plane++) Depthwise3x3.Rows(one, reluInput, isa, plane, y0, y1, map + (long)plane * pitch);
            PointwiseConvolution.Columns(pw, isa, a, offsets, map, pitch, n, y0 * ow, (y1 - y0) * ow);
        }
    }

    /// <summary>One image per item; one instance per calling thread, reused.</summary>
    private sealed class Job : ParallelJob
    {
        [ThreadStatic] private static Job? t_cached;
        private ConvOperands _dw, _pw;
        private bool _reluInput;
        private GemmIsa _isa;
        private float* _a;
        private int* _offsets;

        public static Job Rent()
        {
            var job = t_cached ?? new Job();
            t_cached = null;
            return job;
        }

        public static void Return(Job job) => t_cached = job;

        public void Set(in ConvOperands dw, bool reluInput, in ConvOperands pw, GemmIsa isa, float* a, int* offsets)
        {
            _dw = dw;
            _reluInput = reluInput;
            _pw = pw;
            _isa = isa;
            _a = a;
            _offsets = offsets;
        }

        public override void Execute(int item) => Image(_dw, _reluInput, _pw, _isa, _a, _offsets, item);
    }
}
