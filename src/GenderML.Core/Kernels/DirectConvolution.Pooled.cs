using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Ops;

namespace GenderML.Core.Kernels;

/// <summary>
/// The direct convolution with an unpadded K×K, stride-S max pool (K ≤ 3, S ≤ 2) in its output pass:
/// <c>pool(act(conv(x) + b))</c> without writing the convolution's output. The register blocks run over an image's
/// columns as in <see cref="Forward(in ConvOperands, int)"/>; as soon as the rows under a pooled row are done,
/// that row is pooled from the scratch C while it is in cache; a band whose C would be large is computed in chunks of a
/// few pooled rows. The bias and the activation (ReLU, leaky ReLU of slope ≥ 0, or none) are applied after the maximum
/// (all non-decreasing, so they commute with it: the same bits as conv, bias, activation, then the pool).
/// </summary>
internal static unsafe partial class DirectConvolution
{

    /// <summary>Floats of C up to which a band of pooled rows is computed in one piece (2 MB), and of each chunk of
    /// a larger band (128 KB).</summary>
    private const int BandFloats = 512 * 1024, ChunkFloats = 32 * 1024;

    /// <summary>Whether <see cref="ForwardPooled(in ConvOperands, in PoolGeometry, float*, int, GemmIsa)"/> takes the
    /// convolution <paramref name="g"/> (when the plain dispatch picks this kernel for it) followed by the pool
    /// <paramref name="pool"/> of its output.</summary>
    public static bool HandlesPooled(in ConvGeometry g, in PoolGeometry pool) =>
        Handles(g) && !WinogradConvolution.Handles(g, cached: true) && !PointwiseConvolution.Handles(g)
        && pool.Kernel is 2 or 3 && pool.Stride is 1 or 2
        && pool.PadTop == 0 && pool.PadLeft == 0 && pool.PadBottom == 0 && pool.PadRight == 0
        && pool.InHeight == g.OutHeight && pool.InWidth == g.OutWidth && pool.Planes == g.Batch * g.OutChannels
        && pool.OutHeight > 0 && pool.OutWidth is > 0 and <= 1024;

    public static void ForwardPooled(in ConvOperands ops, in PoolGeometry pool, float* output, int threads)
        => ForwardPooled(ops, pool, output, threads, GemmBlocking.BestIsa);

    /// <summary>
    /// Writes <c>pool(act(conv(x) + b))</c> (N×OC×PH×PW) to <paramref name="output"/>; <c>ops.Output</c> and
    /// <c>ops.Residual</c> are not used.
    /// </summary>
    public static void ForwardPooled(in ConvOperands ops, in PoolGeometry pool, float* output, int threads, GemmIsa isa)
        => ForwardPooled(ops, pool, output, null, float.NaN, threads, isa);

    /// <summary>
    /// Writes <c>pool(leaky(conv(x) + b))</c> (N×OC×PH×PW), a leaky ReLU of slope <paramref name="negativeSlope"/>
    /// (≥ 0; slope 0 gives −0 for negative values, as the leaky ReLU does) to <paramref name="output"/>;
    /// <c>ops.Output</c>, <c>ops.Residual</c> and <c>ops.Relu</c> are not used.
    /// </summary>
    public static void ForwardPooledLeaky(in ConvOperands ops, in PoolGeometry pool, float negativeSlope, float* output, int threads, GemmIsa isa)
    {
        if (!(negativeSlope >= 0f)) throw new ArgumentOutOfRangeException(nameof(negativeSlope), "needs a slope ≥ 0");
        ForwardPooled(ops, pool, output, null, negativeSlope, threads, isa);
    }

    /// <summary>As above; with <paramref name="argmax"/> (a plain 2×2 pool after a ReLU, not null) each window's
    /// first maximum is also recorded (<see cref="PoolRowArgmax"/>); a <paramref name="slope"/> that is not NaN is a
    /// leaky ReLU's (instead of <c>ops.Relu</c>).</summary>
    private static void ForwardPooled(in ConvOperands ops, in PoolGeometry pool, float* output, byte* argmax, float slope, int threads, GemmIsa isa)
    {
        var g = ops.G;
        WeightsAndOffsets(ops, isa, out float* a, out int* offsets);
        // Bands of pooled rows (their convolution rows overlap by K − S rows, computed in both).
        int bands = threads <= 1 || g.Batch >= 2 * threads ? 1
            : Math.Min(pool.OutHeight, (2 * threads + g.Batch - 1) / g.Batch);
        float* prepadded = null;
        long paddedImage = 0;
        if (bands > 1) prepadded = PadAll(g, ops.Input, out paddedImage);
        var work = JobCache<PooledWork>.Rent();
        work.Set(ops, pool, output, argmax, slope, isa, a, offsets, bands, prepadded, paddedImage);
        int items = g.Batch * bands;
        JobCache<PooledWork>.RunAndReturn(work, items, threads);
    }

    /// <summary>One (image, band of pooled rows) per item; one instance per calling thread, reused.</summary>
    private sealed class PooledWork : ParallelJob
    {
        private ConvOperands ops;
        private PoolGeometry pool;
        private float* output;
        private byte* argmax;
        private float slope;
        private GemmIsa isa;
        private float* a;
        private int* offsets;
        private int bands;
        private float* prepadded;
        private long paddedImage;

        public void Set(in ConvOperands ops, in PoolGeometry pool, float* output, byte* argmax, float slope, GemmIsa isa, float* a, int* offsets,
            int bands, float* prepadded, long paddedImage)
        {
            this.ops = ops; this.pool = pool; this.output = output; this.argmax = argmax; this.slope = slope; this.isa = isa; this.a = a; this.offsets = offsets;
            this.bands = bands; this.prepadded = prepadded; this.paddedImage = paddedImage;
        }

        public override void Execute(int item)
        {
            var g = ops.G;
            int n = item / bands, band = item % bands;
            int ph = pool.OutHeight, pk = pool.Kernel, ps = pool.Stride;
            int py0 = (int)((long)ph * band / bands), py1 = (int)((long)ph * (band + 1) / bands);
            if (py1 <= py0) return;
            var (pw, _) = PlaneOf(g);
            var (mr, nr) = Block(isa);
            int k = g.InChannels * g.KernelHeight * g.KernelWidth, oc = g.OutChannels, ow = g.OutWidth;
            int mPadded = (oc + mr - 1) / mr * mr;
            // Pooled rows per chunk: the whole band when its C is small, else chunks whose C stays near
            // ChunkFloats (their convolution rows overlap by K − S rows, computed in both).
            int chunk = (long)mPadded * ((py1 - py0 - 1) * ps + pk) * pw <= BandFloats ? py1 - py0
                : Math.Max(1, ChunkFloats / (mPadded * ps * pw));
            int maxCols = (Math.Min(chunk, py1 - py0) - 1) * ps * pw + pk * pw, maxLdc = (maxCols + nr - 1) / nr * nr;
            long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
            float* image = ops.Input + n * imageStride;
            float* padded = prepadded != null ? prepadded + n * paddedImage
                : g.StrideHeight == 1 ? PaddedChunk.Fill(g, image, imageStride, g.InChannels, 1, PaddedSlot).Data
                : SpaceToDepth(g, image);
            // 32 floats of slack: a pooled row's vector loads may run past the last row of the last channel
            // (by up to 30 in PoolRowArgmax).
            float* c = NativeScratch.Get(CSlot, (long)mPadded * maxLdc + 32);
            long outPlane = (long)ph * pool.OutWidth;
            float* outImage = output + (long)n * oc * outPlane;
            int vectors = (pool.OutWidth + 15) >> 4;
            float* rowMax = stackalloc float[32 * vectors + 48];
            float* tail = stackalloc float[16];
            for (int c0 = py0; c0 < py1; c0 += chunk)
            {
                int c1 = Math.Min(py1, c0 + chunk);
                // The convolution rows under pooled rows [c0, c1).
                int y0 = c0 * ps, y1 = (c1 - 1) * ps + pk;
                int cols = (y1 - y0) * pw, ldc = (cols + nr - 1) / nr * nr;
                float* b = padded + y0 * pw;
                int next = c0;
                for (int jr = 0; jr < cols; jr += nr)
                {
                    for (int ir = 0; ir < mPadded; ir += mr)
                        DirectMicroKernels.Run(isa, k, a + (long)ir * k, b + jr, offsets, c + (long)ir * ldc + jr, ldc);
                    // Pool every row whose window rows are done.
                    int done = Math.Min(jr + nr, cols);
                    for (; next < c1 && (next * ps + pk - 1 - y0) * pw + ow <= done; next++)
                    {
                        float* rows = c + (next * ps - y0) * pw;
                        for (int o = 0; o < oc; o++)
                            if (argmax != null)
                            {
                                long at = (long)n * oc * outPlane + o * outPlane + (long)next * pool.OutWidth;
                                PoolRowArgmax(rows + (long)o * ldc, pw, pool.OutWidth, ops.Bias == null ? 0f : ops.Bias[o],
                                    output + at, argmax + at, isa == GemmIsa.Avx512);
                            }
                            else PoolRow(rows + (long)o * ldc, pw, ow, pool, ops.Bias == null ? 0f : ops.Bias[o], ops.Bias != null,
                                ops.Relu, slope, outImage + o * outPlane + (long)next * pool.OutWidth, isa == GemmIsa.Avx512, rowMax, tail);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One pooled row from the K convolution rows at <paramref name="rows"/> (<paramref name="pitch"/> floats apart,
    /// <paramref name="width"/> valid): <c>dst[x] = act(max_{i,j} rows[i·pitch + x·S + j] + bias)</c> (no addition
    /// when not <paramref name="hasBias"/>), act a leaky ReLU when <paramref name="slope"/> is not NaN, else the ReLU
    /// when <paramref name="relu"/>, else nothing; the vector path's buffers: <paramref name="m"/> 32·⌈PW/16⌉ + 48
    /// floats, <paramref name="tail"/> 16.
    /// </summary>
    internal static void PoolRow(float* rows, int pitch, int width, in PoolGeometry pool, float bias, bool hasBias, bool relu, float slope,
        float* dst, bool vector, float* m, float* tail)
    {
        int k = pool.Kernel, s = pool.Stride, pwOut = pool.OutWidth;
        bool leaky = !float.IsNaN(slope);
        if (!vector || !Avx512F.IsSupported)
        {
            for (int x = 0; x < pwOut; x++)
            {
                float best = float.NegativeInfinity;
                for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    best = MathF.Max(best, rows[i * pitch + x * s + j]);
                float v = hasBias ? best + bias : best;
                dst[x] = leaky ? (v > 0f ? v : slope * v) : relu ? MathF.Max(v, 0f) : v;
            }
            return;
        }
        // The vertical maximum of the K rows, 16 columns at a time (lanes past the row are never used), then the
        // horizontal one: stride 1 from shifted loads, stride 2 from the even and odd lanes of pairs of loads.
        for (int x = 0; x < width; x += 16)
        {
            var v = Vector512.Load(rows + x);
            for (int i = 1; i < k; i++) v = Vector512.Max(v, Vector512.Load(rows + i * pitch + x));
            v.Store(m + x);
        }
        var biasV = Vector512.Create(bias);
        var slopeV = Vector512.Create(slope);
        for (int x = 0; x < pwOut; x += 16)
        {
            Vector512<float> r;
            if (s == 1)
            {
                r = Vector512.Max(Vector512.Load(m + x), Vector512.Load(m + x + 1));
                if (k == 3) r = Vector512.Max(r, Vector512.Load(m + x + 2));
            }
            else
            {
                Vector512<float> lo = Vector512.Load(m + 2 * x), hi = Vector512.Load(m + 2 * x + 16);
                r = Vector512.Max(Avx512F.PermuteVar16x32x2(lo, PermuteIndices.Evens, hi), Avx512F.PermuteVar16x32x2(lo, PermuteIndices.Odds, hi));
                if (k == 3)
                {
                    Vector512<float> lo2 = Vector512.Load(m + 2 * x + 2), hi2 = Vector512.Load(m + 2 * x + 18);
                    r = Vector512.Max(r, Avx512F.PermuteVar16x32x2(lo2, PermuteIndices.Evens, hi2));
                }
            }
            if (hasBias) r += biasV;
            if (leaky) r = Vector512.ConditionalSelect(Vector512.GreaterThan(r, Vector512<float>.Zero), r, r * slopeV);
            else if (relu) r = Vector512.Max(r, Vector512<float>.Zero);
            if (x + 16 <= pwOut) r.Store(dst + x);
            else
            {
                r.Store(tail);
                new ReadOnlySpan<float>(tail, pwOut - x).CopyTo(new Span<float>(dst + x, pwOut - x));
            }
        }
    }
}
