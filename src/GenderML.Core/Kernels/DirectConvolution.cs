namespace GenderML.Core.Kernels;

/// <summary>
/// Forward convolution for stride 1 or 2 and few input channels without im2col: the GEMM's B operand is read
/// straight from a zero-padded copy of the image. Stride 1: with the padded width PW, output pixel (y, x) is computed
/// at the flat position <c>q = y·PW + x</c>, and tap (c, i, j) of it reads the padded input at
/// <c>c·plane + i·PW + j + q</c>: for 32 consecutive q that is 32 consecutive floats, so each K step of the
/// microkernel loads its B row from the image through one offset (<c>offsets[p]</c>) and nothing is packed.
/// Stride 2: the padded image is split by row and column parity into four half-size planes per channel
/// (space-to-depth, width W2 = ⌈PW/2⌉), where tap (i, j) of output (y, x) is at row y + i/2, column x + j/2 of
/// plane (i mod 2, j mod 2): the stride-1 scheme again, with <c>q = y·W2 + x</c>. Positions with x ≥ OW are
/// computed and dropped. The register blocks land in a scratch C that is copied out row by row through the
/// <see cref="ConvEpilogue"/>; at stride 2 with rows of 32 and more (AVX-512, whole blocks of output channels) they are
/// stored in place instead (<see cref="DirectWrappedStores"/>). At stride 2 with 3-wide taps and no residual, AVX-512
/// blocks read the image itself where <see cref="TakesDeinterleaved"/> says so (DirectConvolution.Deinterleaved.cs).
/// </summary>
/// <remarks>
/// Each output value is the sum over (c, i, j) in order with one accumulator chain, whatever the thread count or the
/// split of the work, so results are bit-identical across threads. Work items are (image, band of output rows).
/// </remarks>
internal static unsafe partial class DirectConvolution
{
    /// <summary>Scratch slots: the padded image (slot 6, as the lowered path), C (slot 3), packed weights (calling
    /// thread, slot 7).</summary>
    private const int PaddedSlot = 6, CSlot = 3, WeightSlot = 7;

    /// <summary>Largest input channel count taken: above it im2col's packing is a small part of the GEMM's time.
    /// </summary>
    public const int MaxInChannels = 64;

    /// <summary>Whether this kernel takes the forward pass of <paramref name="g"/> (at stride 1: one input channel, or
    /// eight and more; with 2–7 the lowered path measured faster).</summary>
    public static bool Handles(in ConvGeometry g) =>
        g.Groups == 1 && g.KernelHeight * g.KernelWidth > 1 && g.KernelWidth <= 16 && g.KernelHeight <= 16
        && g.InChannels <= MaxInChannels && g.OutChannels >= 8
        && ((g.StrideHeight == 1 && g.StrideWidth == 1)
            || (g.StrideHeight == 2 && g.StrideWidth == 2));

    /// <summary>
    /// The weights packed (the layer's cache, else this thread's scratch): slivers of MR output channels, K steps of MR
    /// values (zero rows past OC); then in scratch the K offsets of the taps into the padded image (or its parity
    /// planes at stride 2). Valid until the next call on this thread.
    /// </summary>
    private static void WeightsAndOffsets(in ConvOperands ops, GemmIsa isa, out float* a, out int* offsets)
    {
        var g = ops.G;
        var (mr, _) = Block(isa);
        int k = g.InChannels * g.KernelHeight * g.KernelWidth, mPadded = (g.OutChannels + mr - 1) / mr * mr;
        float* scratch;
        if (ops.Packed is { } packed)
        {
            a = packed.Direct(ops.Weight, g, mr);
            scratch = NativeScratch.Get(WeightSlot, k);
        }
        else
        {
            a = scratch = NativeScratch.Get(WeightSlot, (long)mPadded * k + k);
            PackWeights(ops.Weight, g.OutChannels, k, mr, a);
            scratch += (long)mPadded * k;
        }
        offsets = (int*)scratch;
        var (pw, plane) = PlaneOf(g);
        int p = 0;
        for (int c = 0; c < g.InChannels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
            offsets[p++] = g.StrideHeight == 1 ? c * plane + i * pw + j
                : ((c * 2 + (i & 1)) * 2 + (j & 1)) * plane + (i >> 1) * pw + (j >> 1);
    }

    /// <summary>Width of a row of the (sub-)planes the kernel reads, and floats per (sub-)plane.</summary>
    private static (int RowWidth, int Plane) PlaneOf(in ConvGeometry g)
    {
        int ph = g.InHeight + g.PadTop + g.PadBottom, pw = g.InWidth + g.PadLeft + g.PadRight;
        return g.StrideHeight == 1 ? (pw, ph * pw) : ((pw + 1) / 2, (ph + 1) / 2 * ((pw + 1) / 2));
    }

    /// <summary>Register block rows and columns of <paramref name="isa"/>.</summary>
    internal static (int MR, int NR) Block(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => (8, 32),
        GemmIsa.Avx2 => (4, 16),
        _ => (4, 8),
    };

    public static void Forward(in ConvOperands ops, int threads) => Forward(ops, threads, GemmBlocking.BestIsa);

    /// <summary>The forward pass on <paramref name="isa"/> (tests run every instruction set the machine has);
    /// <paramref name="parityPlanes"/>: through the parity planes even where the deinterleaving blocks take the layer
    /// (tests compare the two).</summary>
    public static void Forward(in ConvOperands ops, int threads, GemmIsa isa, bool parityPlanes = false)
    {
        var g = ops.G;
        bool deinterleaved = !parityPlanes && ops.Residual == null && TakesDeinterleaved(g, isa);
        WeightsAndOffsets(ops, isa, out float* a, out int* offsets);
        // Bands of output rows: the whole image when there are enough images for the threads, else a few per image.
        int bands = threads <= 1 || g.Batch >= 2 * threads ? 1
            : Math.Min(g.OutHeight, (2 * threads + g.Batch - 1) / g.Batch);
        // Several bands per image: pad (or split) every image once here, not once per band.
        float* prepadded = null;
        long paddedImage = 0;
        if (bands > 1 && !deinterleaved) prepadded = PadAll(g, ops.Input, out paddedImage);
        var work = JobCache<Work>.Rent();
        work.Set(ops, isa, a, offsets, bands, prepadded, paddedImage, deinterleaved);
        int items = g.Batch * bands;
        JobCache<Work>.RunAndReturn(work, items, threads);
    }

    /// <summary><c>a[(o / MR)·K·MR + p·MR + o % MR] = w[o, p]</c>, zero for o ≥ OC.</summary>
    internal static void PackWeights(float* w, int oc, int k, int mr, float* a)
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
        private ConvOperands ops;
        private GemmIsa isa;
        private bool deinterleaved;
        private float* a;
        private int* offsets;
        private int bands;
        private float* prepadded;
        private long paddedImage;

        public void Set(in ConvOperands ops, GemmIsa isa, float* a, int* offsets, int bands, float* prepadded,
            long paddedImage, bool deinterleaved)
        {
            this.ops = ops; this.isa = isa; this.a = a; this.offsets = offsets; this.bands = bands;
            this.deinterleaved = deinterleaved;
            this.prepadded = prepadded; this.paddedImage = paddedImage;
        }

        public override void Execute(int item)
        {
            var g = ops.G;
            int n = item / bands, band = item % bands;
            int oh = g.OutHeight, ow = g.OutWidth;
            var (pw, _) = PlaneOf(g);
            int y0 = (int)((long)oh * band / bands), y1 = (int)((long)oh * (band + 1) / bands);
            if (y1 <= y0) return;
            if (deinterleaved)
            {
                DeinterleavedBand(ops, a, n, y0, y1);
                return;
            }
            var (mr, nr) = Block(isa);
            int k = g.InChannels * g.KernelHeight * g.KernelWidth, oc = g.OutChannels;
            int mPadded = (oc + mr - 1) / mr * mr;
            long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
            float* image = ops.Input + n * imageStride;
            float* padded = prepadded != null ? prepadded + n * paddedImage
                : g.StrideHeight == 1 ? PaddedChunk.Fill(g, image, imageStride, g.InChannels, 1, PaddedSlot).Data
                : SpaceToDepth(g, image);
            int q0 = y0 * pw, cols = (y1 - y0) * pw, ldc = (cols + nr - 1) / nr * nr;
            float* b = padded + q0;
            int ohw = oh * ow;
            if (isa == GemmIsa.Avx512 && g.StrideHeight == 2 && pw >= nr && oc == mPadded)
            {
                // Rows of 32 and more: each block spans two output rows at most and is stored in place.
                long outImage = (long)n * oc * ohw;
                for (int jr = 0; jr < cols; jr += nr)
                {
                    int q = q0 + jr, y = q / pw, x = q % pw, start2 = pw - x;
                    int end1 = Math.Clamp(ow - x, 0, nr), end2 = y + 1 < y1 ? Math.Min(nr, start2 + ow) : start2;
                    long at = outImage + (long)y * ow + x;
                    for (int ir = 0; ir < oc; ir += mr)
                        DirectWrappedStores.Avx512Kernel8x32(k, a + (long)ir * k, b + jr, offsets,
                            ops.Output + at + (long)ir * ohw, ohw, ops.Bias == null ? null : ops.Bias + ir,
                            ops.Residual == null ? null : ops.Residual + at + (long)ir * ohw, ops.Relu, end1, start2,
                            end2, pw - ow);
                }
                return;
            }
            float* c = NativeScratch.Get(CSlot, (long)mPadded * ldc);
            for (int jr = 0; jr < cols; jr += nr)
            for (int ir = 0; ir < mPadded; ir += mr)
                DirectMicroKernels.Run(isa, k, a + (long)ir * k, b + jr, offsets, c + (long)ir * ldc + jr, ldc);
            for (int o = 0; o < oc; o++)
            {
                long at = ((long)n * oc + o) * ohw;
                float bias = ops.Bias == null ? 0f : ops.Bias[o];
                for (int y = y0; y < y1; y++)
                {
                    long row = at + (long)y * ow;
                    float* residual = ops.Residual == null ? null : ops.Residual + row;
                    ConvEpilogue.Row(c + (long)o * ldc + (y - y0) * pw, residual, ops.Output + row, bias,
                        ops.Bias != null, ops.Relu, ow);
                }
            }
        }
    }

    /// <summary>
    /// The zero-padded image split into four planes per channel by row and column parity, in scratch slot 6:
    /// <c>d[((c·2 + a)·2 + b)·plane + r·W2 + u] = padded(c, 2r + a, 2u + b)</c>, zero past the padded image, then
    /// <see cref="PaddedChunk.Slack"/> zeros.
    /// </summary>
    internal static float* SpaceToDepth(in ConvGeometry g, float* image)
    {
        var (_, plane) = PlaneOf(g);
        long total = (long)g.InChannels * 4 * plane;
        float* d = NativeScratch.Get(PaddedSlot, total + PaddedChunk.Slack);
        SpaceToDepth(g, image, d);
        return d;
    }

    /// <summary>Every image of the batch padded (stride 1) or split into parity planes (stride 2), one after another in
    /// scratch slot 6 of this thread; <paramref name="imageLength"/> is the floats per image.</summary>
    private static float* PadAll(in ConvGeometry g, float* input, out long imageLength)
    {
        long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
        if (g.StrideHeight == 1)
        {
            var chunk = PaddedChunk.Fill(g, input, imageStride, g.InChannels, g.Batch, PaddedSlot);
            imageLength = chunk.ImageLength;
            return chunk.Data;
        }
        var (_, plane) = PlaneOf(g);
        long total = (long)g.InChannels * 4 * plane;
        float* d = NativeScratch.Get(PaddedSlot, total * g.Batch + PaddedChunk.Slack);
        for (int n = 0; n < g.Batch; n++) SpaceToDepth(g, input + n * imageStride, d + n * total);
        imageLength = total;
        return d;
    }

    /// <summary>Writes one image's parity planes (see <see cref="SpaceToDepth(in ConvGeometry, float*)"/>) to <paramref name="d"/>, then <see cref="PaddedChunk.Slack"/> zeros.</summary>
    private static void SpaceToDepth(in ConvGeometry g, float* image, float* d)
    {
        var (w2, plane) = PlaneOf(g);
        int h2 = plane / w2, h = g.InHeight, w = g.InWidth, pt = g.PadTop, pl = g.PadLeft;
        long total = (long)g.InChannels * 4 * plane;
        for (int c = 0; c < g.InChannels; c++)
        for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
        {
            float* dst = d + ((c * 2 + a) * 2 + b) * (long)plane;
            float* src = image + (long)c * h * w;
            for (int r = 0; r < h2; r++)
            {
                float* row = dst + r * w2;
                int iy = 2 * r + a - pt;
                if (iy < 0 || iy >= h)
                {
                    new Span<float>(row, w2).Clear();
                    continue;
                }
                float* srcRow = src + (long)iy * w;
                // Both column parities of the row at once (b = 1 takes the row from the b = 0 pass).
                if (b == 0 && SpaceToDepthRow.Takes(w2))
                {
                    SpaceToDepthRow.Split(srcRow, w, pl, row, row + plane, w2);
                    continue;
                }
                if (b == 1 && SpaceToDepthRow.Takes(w2)) continue;
                for (int u = 0; u < w2; u++)
                {
                    int ix = 2 * u + b - pl;
                    row[u] = ix >= 0 && ix < w ? srcRow[ix] : 0f;
                }
            }
        }
        new Span<float>(d + total, PaddedChunk.Slack).Clear();
    }
}
