namespace GenderML.Core.Kernels;

/// <summary>
/// Forward convolution for stride 1 and few input channels without im2col: the GEMM's B operand is read straight
/// from a zero-padded copy of the image. With the padded width PW, output pixel (y, x) is computed at the flat
/// position <c>q = y·PW + x</c>, and tap (c, i, j) of it reads the padded input at <c>c·plane + i·PW + j + q</c>:
/// for 32 consecutive q that is 32 consecutive floats, so each K step of the microkernel loads its B row from the
/// image through one offset (<c>offsets[p]</c>) and nothing is packed. Positions with x ≥ OW are computed and
/// dropped (PW − OW of every PW). The register blocks land in a scratch C that is copied out row by row through the
/// <see cref="ConvEpilogue"/>.
/// </summary>
/// <remarks>
/// Each output value is the sum over (c, i, j) in order with one accumulator chain, whatever the thread count or the
/// split of the work, so results are bit-identical across threads. Work items are (image, band of output rows).
/// </remarks>
internal static unsafe class DirectConvolution
{
    /// <summary>Scratch slots: the padded image (slot 6, as the lowered path), C (slot 3), packed weights (calling thread, slot 7).</summary>
    private const int PaddedSlot = 6, CSlot = 3, WeightSlot = 7;

    /// <summary>Largest input channel count taken: above it im2col's packing is a small part of the GEMM's time.</summary>
    public const int MaxInChannels = 64;

    /// <summary>Whether this kernel takes the forward pass of <paramref name="g"/>.</summary>
    public static bool Handles(in ConvGeometry g) =>
        g.Groups == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.KernelHeight * g.KernelWidth > 1
        && g.KernelWidth <= 16 && g.InChannels <= MaxInChannels && g.InChannels >= 8 && g.OutChannels >= 8;

    /// <summary>Register block rows and columns of <paramref name="isa"/>.</summary>
    internal static (int MR, int NR) Block(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => (8, 32),
        GemmIsa.Avx2 => (4, 16),
        _ => (4, 8),
    };

    public static void Forward(in ConvOperands ops, int threads) => Forward(ops, threads, GemmBlocking.BestIsa);

    /// <summary>The forward pass on <paramref name="isa"/> (tests run every instruction set the machine has).</summary>
    public static void Forward(in ConvOperands ops, int threads, GemmIsa isa)
    {
        var g = ops.G;
        var (mr, _) = Block(isa);
        int k = g.InChannels * g.KernelHeight * g.KernelWidth, mPadded = (g.OutChannels + mr - 1) / mr * mr;
        // Weights packed once per call: slivers of MR output channels, K steps of MR values (zero rows past OC),
        // then the K offsets into the padded image.
        float* a = NativeScratch.Get(WeightSlot, (long)mPadded * k + k);
        PackWeights(ops.Weight, g.OutChannels, k, mr, a);
        int* offsets = (int*)(a + (long)mPadded * k);
        int pw = g.InWidth + g.PadLeft + g.PadRight, plane = (g.InHeight + g.PadTop + g.PadBottom) * pw;
        int p = 0;
        for (int c = 0; c < g.InChannels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
            offsets[p++] = c * plane + i * pw + j;
        // Bands of output rows: the whole image when there are enough images for the threads, else a few per image.
        int bands = g.Batch >= 2 * threads ? 1 : Math.Min(g.OutHeight, (2 * threads + g.Batch - 1) / g.Batch);
        var work = Work.Rent();
        work.Set(ops, isa, a, offsets, bands);
        int items = g.Batch * bands;
        try
        {
            if (threads <= 1 || items == 1)
                for (int item = 0; item < items; item++) work.Execute(item);
            else WorkerPool.Run(work, items, threads);
        }
        finally { Work.Return(work); }
    }

    /// <summary><c>a[(o / MR)·K·MR + p·MR + o % MR] = w[o, p]</c>, zero for o ≥ OC.</summary>
    private static void PackWeights(float* w, int oc, int k, int mr, float* a)
    {
        int mPadded = (oc + mr - 1) / mr * mr;
        for (int o0 = 0; o0 < mPadded; o0 += mr)
        for (int p = 0; p < k; p++)
        for (int r = 0; r < mr; r++)
            a[(long)o0 * k + p * mr + r] = o0 + r < oc ? w[(long)(o0 + r) * k + p] : 0f;
    }

    /// <summary>One (image, band of rows) per item; one instance per calling thread, reused.</summary>
    private sealed class Work : ParallelJob
    {
        [ThreadStatic] private static Work? t_cached;
        private ConvOperands ops;
        private GemmIsa isa;
        private float* a;
        private int* offsets;
        private int bands;

        public static Work Rent()
        {
            var work = t_cached ?? new Work();
            t_cached = null;
            return work;
        }

        public static void Return(Work work) => t_cached = work;

        public void Set(in ConvOperands ops, GemmIsa isa, float* a, int* offsets, int bands)
        {
            this.ops = ops; this.isa = isa; this.a = a; this.offsets = offsets; this.bands = bands;
        }

        public override void Execute(int item)
        {
            var g = ops.G;
            int n = item / bands, band = item % bands;
            int oh = g.OutHeight, ow = g.OutWidth, pw = g.InWidth + g.PadLeft + g.PadRight;
            int y0 = (int)((long)oh * band / bands), y1 = (int)((long)oh * (band + 1) / bands);
            if (y1 <= y0) return;
            var (mr, nr) = Block(isa);
            int k = g.InChannels * g.KernelHeight * g.KernelWidth, oc = g.OutChannels;
            int mPadded = (oc + mr - 1) / mr * mr;
            long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
            var padded = PaddedChunk.Fill(g, ops.Input + n * imageStride, imageStride, g.InChannels, 1, PaddedSlot);
            int q0 = y0 * pw, cols = (y1 - y0) * pw, ldc = (cols + nr - 1) / nr * nr;
            float* c = NativeScratch.Get(CSlot, (long)mPadded * ldc);
            float* b = padded.Data + q0;
            for (int jr = 0; jr < cols; jr += nr)
            for (int ir = 0; ir < mPadded; ir += mr)
                DirectMicroKernels.Run(isa, k, a + (long)ir * k, b + jr, offsets, c + (long)ir * ldc + jr, ldc);
            int ohw = oh * ow;
            for (int o = 0; o < oc; o++)
            {
                long at = ((long)n * oc + o) * ohw;
                float bias = ops.Bias == null ? 0f : ops.Bias[o];
                for (int y = y0; y < y1; y++)
                {
                    long row = at + (long)y * ow;
                    ConvEpilogue.Row(c + (long)o * ldc + (y - y0) * pw, ops.Residual == null ? null : ops.Residual + row,
                        ops.Output + row, bias, ops.Bias != null, ops.Relu, ow);
                }
            }
        }
    }
}
