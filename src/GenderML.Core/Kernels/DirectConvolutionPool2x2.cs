using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The stride-1 direct convolution (<see cref="DirectConvolution"/>'s register blocks, the same sums in the same
/// order) with an unpadded 2×2, stride-2 max pool and a leaky ReLU (slope ≥ 0) in its output pass:
/// <c>leaky(pool(conv(x)) + b)</c>, the convolution's output never written. A few pooled rows at a time, the
/// convolution rows under them go to a scratch C of about 128 KB, which is pooled while in cache. The bias and the
/// activation come after the maximum: both are non-decreasing, so the result is bit for bit that of the convolution,
/// the bias, the pool and the activation run one after another. The B operand is read straight from the image when it
/// is unpadded and the reads stay inside it, else from a zero-padded copy of just the input rows the chunk needs.
/// </summary>
internal static unsafe class DirectConvolutionPool2x2
{
    /// <summary>Scratch slots (as <see cref="DirectConvolution"/>'s): the strip of input rows (6), C (3), packed
    /// weights and offsets (calling thread, 7).</summary>
    private const int StripSlot = 6, CSlot = 3, WeightSlot = 7;

    /// <summary>Floats of C per chunk (128 KB).</summary>
    private const int ChunkFloats = 32 * 1024;

    /// <summary>Whether <see cref="Forward(in ConvOperands, float*, float, int)"/> takes <paramref name="g"/>: a
    /// convolution the plain dispatch gives the stride-1 direct kernel, with an output of at least 2×2.</summary>
    public static bool Handles(in ConvGeometry g) =>
        DirectConvolution.Handles(g) && g.StrideHeight == 1 && g.StrideWidth == 1
        && !WinogradConvolution.Handles(g, cached: true) && !PointwiseConvolution.Handles(g)
        && g.OutHeight >= 2 && g.OutWidth >= 2;

    /// <summary>
    /// <c>output = leaky(pool2×2(conv(input, weight)) + bias)</c> when <see cref="Handles"/> takes <paramref name="g"/>
    /// (false, nothing written, otherwise); <paramref name="bias"/> may be empty.
    /// </summary>
    public static bool TryForward(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        float negativeSlope, Span<float> output, int threads, PackedWeights? packed)
    {
        if (!Handles(g) || !(negativeSlope >= 0f)) return false;
        if (input.Length < g.InputLength || weight.Length < g.WeightLength || (bias.Length != 0 && bias.Length != g.OutChannels)
            || output.Length < (long)g.Batch * g.OutChannels * (g.OutHeight / 2) * (g.OutWidth / 2))
            throw new ArgumentException($"Convolution: a span is shorter than {g} with a 2×2 pool needs");
        if (g.Batch == 0) return true;
        fixed (float* x = input, w = weight, b = bias, y = output)
        {
            var ops = new ConvOperands(g, x, w, bias.IsEmpty ? null : b, null, packed: packed);
            Forward(ops, y, negativeSlope, threads);
        }
        GC.KeepAlive(packed);
        return true;
    }

    public static void Forward(in ConvOperands ops, float* output, float negativeSlope, int threads)
        => Forward(ops, output, negativeSlope, threads, GemmBlocking.BestIsa);

    /// <summary>
    /// Writes <c>leaky(pool(conv(x)) + b)</c> (N×OC×⌊OH/2⌋×⌊OW/2⌋) to <paramref name="output"/>;
    /// <c>ops.Output</c>, <c>ops.Residual</c> and <c>ops.Relu</c> are not used.
    /// </summary>
    public static void Forward(in ConvOperands ops, float* output, float negativeSlope, int threads, GemmIsa isa)
    {
        var g = ops.G;
        var (mr, nr) = DirectConvolution.Block(isa);
        int k = g.InChannels * g.KernelHeight * g.KernelWidth, mPadded = (g.OutChannels + mr - 1) / mr * mr;
        float* a, scratch;
        if (ops.Packed is { } packed)
        {
            a = packed.Direct(ops.Weight, g, mr);
            scratch = NativeScratch.Get(WeightSlot, 2L * k);
        }
        else
        {
            a = scratch = NativeScratch.Get(WeightSlot, (long)mPadded * k + 2L * k);
            DirectConvolution.PackWeights(ops.Weight, g.OutChannels, k, mr, a);
            scratch += (long)mPadded * k;
        }
        int ph = g.OutHeight / 2, pw = g.InWidth + g.PadLeft + g.PadRight;
        int chunkRows = Math.Clamp(ChunkFloats / (mPadded * 2 * pw), 1, ph);
        int stripPlane = (2 * chunkRows + g.KernelHeight - 1) * pw;
        // Offsets into the image (unpadded) and into a strip of padded rows.
        int* imageOffsets = (int*)scratch, stripOffsets = imageOffsets + k;
        int p = 0, plane = g.InHeight * g.InWidth;
        for (int c = 0; c < g.InChannels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++, p++)
        {
            imageOffsets[p] = c * plane + i * g.InWidth + j;
            stripOffsets[p] = c * stripPlane + i * pw + j;
        }
        int bands = threads <= 1 || g.Batch >= 2 * threads ? 1 : Math.Min(ph, (2 * threads + g.Batch - 1) / g.Batch);
        var work = Work.Rent();
        work.Set(ops, output, negativeSlope, isa, a, imageOffsets, stripOffsets, bands, chunkRows, stripPlane, mr, nr);
        int items = g.Batch * bands;
        try
        {
            if (threads <= 1 || items == 1)
                for (int item = 0; item < items; item++) work.Execute(item);
            else WorkerPool.Run(work, items, threads);
        }
        finally { Work.Return(work); }
    }

    /// <summary>One (image, band of pooled rows) per item; one instance per calling thread, reused.</summary>
    private sealed class Work : ParallelJob
    {
        [ThreadStatic] private static Work? t_cached;
        private ConvOperands ops;
        private float* output, a;
        private int* imageOffsets, stripOffsets;
        private float slope;
        private GemmIsa isa;
        private int bands, chunkRows, stripPlane, mr, nr;

        public static Work Rent()
        {
            var work = t_cached ?? new Work();
            t_cached = null;
            return work;
        }

        public static void Return(Work work) => t_cached = work;

        public void Set(in ConvOperands ops, float* output, float slope, GemmIsa isa, float* a, int* imageOffsets,
            int* stripOffsets, int bands, int chunkRows, int stripPlane, int mr, int nr)
        {
            this.ops = ops; this.output = output; this.slope = slope; this.isa = isa; this.a = a;
            this.imageOffsets = imageOffsets; this.stripOffsets = stripOffsets; this.bands = bands;
            this.chunkRows = chunkRows; this.stripPlane = stripPlane; this.mr = mr; this.nr = nr;
        }

        public override void Execute(int item)
        {
            var g = ops.G;
            int n = item / bands, band = item % bands;
            int ph = g.OutHeight / 2, pwOut = g.OutWidth / 2;
            int p0 = (int)((long)ph * band / bands), p1 = (int)((long)ph * (band + 1) / bands);
            if (p1 <= p0) return;
            int k = g.InChannels * g.KernelHeight * g.KernelWidth, oc = g.OutChannels;
            int mPadded = (oc + mr - 1) / mr * mr;
            int width = g.InWidth + g.PadLeft + g.PadRight;
            bool unpadded = g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;
            int plane = g.InHeight * g.InWidth;
            float* image = ops.Input + (long)n * g.InChannels * plane;
            int ldcMax = (2 * chunkRows * width + nr - 1) / nr * nr;
            float* c = NativeScratch.Get(CSlot, (long)mPadded * ldcMax);
            float* strip = null;
            long outPlane = (long)ph * pwOut;
            for (int r0 = p0; r0 < p1; r0 += chunkRows)
            {
                int r1 = Math.Min(p1, r0 + chunkRows), y0 = 2 * r0;
                int cols = 2 * (r1 - r0) * width, ldc = (cols + nr - 1) / nr * nr;
                // Flat positions q = y·W + x; the microkernel reads q + offset for q up to ldc past the chunk's start.
                float* b;
                int* offsets;
                long lastRead = (long)y0 * width + ldc + (g.KernelHeight - 1) * width + g.KernelWidth - 1 + (long)(g.InChannels - 1) * plane;
                if (unpadded && lastRead <= (long)g.InChannels * plane)
                {
                    b = image + (long)y0 * width;
                    offsets = imageOffsets;
                }
                else
                {
                    strip = strip != null ? strip : NativeScratch.Get(StripSlot, (long)g.InChannels * stripPlane + PaddedChunk.Slack + nr);
                    FillStrip(g, image, y0, 2 * (r1 - r0) + g.KernelHeight - 1, width, strip);
                    b = strip;
                    offsets = stripOffsets;
                }
                for (int jr = 0; jr < cols; jr += nr)
                for (int ir = 0; ir < mPadded; ir += mr)
                    DirectMicroKernels.Run(isa, k, a + (long)ir * k, b + jr, offsets, c + (long)ir * ldc + jr, ldc);
                for (int o = 0; o < oc; o++)
                {
                    float bias = ops.Bias == null ? 0f : ops.Bias[o];
                    float* dst = output + ((long)n * oc + o) * outPlane;
                    for (int r = r0; r < r1; r++)
                    {
                        float* top = c + (long)o * ldc + (2 * (r - r0)) * width;
                        PoolRow(top, top + width, dst + (long)r * pwOut, pwOut, bias, ops.Bias != null, slope, isa == GemmIsa.Avx512);
                    }
                }
            }
        }

        /// <summary>Padded rows [y0, y0 + rows) of every channel into <paramref name="strip"/> (planes
        /// <c>stripPlane</c> apart), zero outside the image, then zeros past the last plane's rows.</summary>
        private void FillStrip(in ConvGeometry g, float* image, int y0, int rows, int width, float* strip)
        {
            int h = g.InHeight, w = g.InWidth, pl = g.PadLeft;
            for (int ch = 0; ch < g.InChannels; ch++)
            {
                float* src = image + (long)ch * h * w;
                float* dst = strip + (long)ch * stripPlane;
                for (int r = 0; r < rows; r++, dst += width)
                {
                    int iy = y0 + r - g.PadTop;
                    if (iy < 0 || iy >= h)
                    {
                        new Span<float>(dst, width).Clear();
                        continue;
                    }
                    new Span<float>(dst, pl).Clear();
                    new ReadOnlySpan<float>(src + (long)iy * w, w).CopyTo(new Span<float>(dst + pl, w));
                    new Span<float>(dst + pl + w, width - pl - w).Clear();
                }
                new Span<float>(dst, stripPlane - rows * width).Clear();
            }
            new Span<float>(strip + (long)g.InChannels * stripPlane, PaddedChunk.Slack + nr).Clear();
        }
    }

    private static readonly Vector512<int> Evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> Odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);

    /// <summary><c>dst[x] = act(max(top[2x], top[2x+1], bottom[2x], bottom[2x+1]) + bias)</c> for x &lt; count, with
    /// the ops and their order of <see cref="ConvEpilogue"/>'s bias and <see cref="Ops.Elementwise.LeakyRelu"/>.</summary>
    internal static void PoolRow(float* top, float* bottom, float* dst, int count, float bias, bool hasBias, float slope, bool vector)
    {
        int x = 0;
        if (vector && Avx512F.IsSupported)
        {
            var vb = Vector512.Create(bias);
            var vs = Vector512.Create(slope);
            for (; x <= count - 16; x += 16)
            {
                var v0 = Vector512.Max(Vector512.Load(top + 2 * x), Vector512.Load(bottom + 2 * x));
                var v1 = Vector512.Max(Vector512.Load(top + 2 * x + 16), Vector512.Load(bottom + 2 * x + 16));
                var m = Vector512.Max(Avx512F.PermuteVar16x32x2(v0, Evens, v1), Avx512F.PermuteVar16x32x2(v0, Odds, v1));
                if (hasBias) m += vb;
                m = Vector512.ConditionalSelect(Vector512.GreaterThan(m, Vector512<float>.Zero), m, m * vs);
                m.Store(dst + x);
            }
        }
        for (; x < count; x++)
        {
            float p = top[2 * x], q = top[2 * x + 1], r = bottom[2 * x], s = bottom[2 * x + 1];
            float pq = p > q ? p : q, rs = r > s ? r : s;
            float m = pq >= rs ? pq : rs;
            if (hasBias) m += bias;
            dst[x] = m > 0f ? m : slope * m;
        }
    }
}
