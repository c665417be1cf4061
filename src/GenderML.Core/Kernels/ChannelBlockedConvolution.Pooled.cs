using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Ops;

namespace GenderML.Core.Kernels;

/// <summary>
/// A stem's convolution (stride 2, unpadded, few input channels, 32 output channels) with an unpadded max pool in its
/// output pass, output channels in the vector lanes: a register block is 32 channels (two vectors of weights, packed
/// K×32) × 12 pixels of one output row, each tap's 12 inputs broadcast from the image at steps of 2. Conv rows land
/// pixel-major in a ring of K rows (in L1); as soon as the rows under a pooled row are done, its windows' maxima are taken 16
/// channels at a time, the bias and ReLU applied (non-decreasing, so they commute with the maximum), and each channel's
/// row gathered out to the NCHW output.
/// </summary>
/// <remarks>Each conv value is the FMA chain over (c, i, j) in order from zero, as in <see cref="DirectConvolution"/>:
/// the same bits as the convolution, bias, ReLU and pool run one after another. Work items are (image, band of pooled
/// rows); bands overlap by K − S conv rows, computed in both.</remarks>
internal static unsafe partial class ChannelBlockedConvolution
{
    /// <summary>Output channels and pixels per register block of the pooled pass.</summary>
    private const int StemChannels = 32, StemPixels = 12;

    /// <summary>Whether <see cref="ForwardPooled"/> takes the convolution <paramref name="g"/> followed by the pool
    /// <paramref name="pool"/> of its output.</summary>
    public static bool HandlesPooled(in ConvGeometry g, in PoolGeometry pool) =>
        Avx512F.IsSupported && g.Groups == 1 && g.StrideHeight == 2 && g.StrideWidth == 2
        && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0
        && g.InChannels <= 16 && g.OutChannels == StemChannels && g.OutWidth % StemPixels == 0
        && g.KernelHeight <= 16 && g.KernelWidth <= 16
        && pool.Kernel is 2 or 3 && pool.Stride is 1 or 2
        && pool.PadTop == 0 && pool.PadLeft == 0 && pool.PadBottom == 0 && pool.PadRight == 0
        && pool.InHeight == g.OutHeight && pool.InWidth == g.OutWidth && pool.Planes == g.Batch * g.OutChannels
        && pool.OutHeight > 0 && pool.OutWidth is > 0 and <= 1024;

    /// <summary>Writes <c>pool(act(conv(x) + b))</c> (N×32×PH×PW) to <paramref name="output"/>; <c>ops.Output</c> and
    /// <c>ops.Residual</c> are not used.</summary>
    public static void ForwardPooled(in ConvOperands ops, in PoolGeometry pool, float* output, int threads)
    {
        var g = ops.G;
        int k = g.InChannels * g.KernelHeight * g.KernelWidth;
        // a[p][v] = w[v, p]: the direct kernel's one sliver of 32 rows, which a frozen layer's cache keeps.
        float* scratch = NativeScratch.Get(WeightSlot, (ops.Packed is null ? (long)StemChannels * k : 0) + k), a;
        if (ops.Packed is { } packed) a = packed.Direct(ops.Weight, g, StemChannels);
        else
        {
            a = scratch;
            scratch += (long)StemChannels * k;
            for (int v = 0; v < StemChannels; v++)
            for (int p = 0; p < k; p++)
                a[p * StemChannels + v] = ops.Weight[(long)v * k + p];
        }
        int* offsets = (int*)scratch;
        int at = 0;
        for (int c = 0; c < g.InChannels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
            offsets[at++] = (c * g.InHeight + i) * g.InWidth + j;
        int bands = threads <= 1 || g.Batch >= 2 * threads ? 1
            : Math.Min(pool.OutHeight, (2 * threads + g.Batch - 1) / g.Batch);
        var work = JobCache<PooledWork>.Rent();
        work.Set(ops, pool, output, a, offsets, bands);
        int items = g.Batch * bands;
        JobCache<PooledWork>.RunAndReturn(work, items, threads);
    }

    private sealed class PooledWork : ParallelJob
    {
        private ConvOperands ops;
        private PoolGeometry pool;
        private float* output, a;
        private int* offsets;
        private int bands;

        public void Set(in ConvOperands ops, in PoolGeometry pool, float* output, float* a, int* offsets, int bands)
        {
            this.ops = ops; this.pool = pool; this.output = output; this.a = a; this.offsets = offsets; this.bands = bands;
        }

        public override void Execute(int item)
        {
            var g = ops.G;
            int n = item / bands, band = item % bands;
            int ph = pool.OutHeight, pw = pool.OutWidth, pk = pool.Kernel, ps = pool.Stride;
            int py0 = (int)((long)ph * band / bands), py1 = (int)((long)ph * (band + 1) / bands);
            if (py1 <= py0) return;
            int y0 = py0 * ps, y1 = (py1 - 1) * ps + pk, ow = g.OutWidth, w2 = 2 * g.InWidth;
            int k = g.InChannels * g.KernelHeight * g.KernelWidth;
            float* image = ops.Input + (long)n * g.InChannels * g.InHeight * g.InWidth;
            // A ring of the last K conv rows (row y in slot y mod K): a pooled row is taken as soon as its last row
            // is done, and the rows after it never need one K rows back.
            long rowFloats = (long)ow * StemChannels;
            float* tile = NativeScratch.Get(TileSlot, pk * rowFloats);
            // The pooled row, pixel-major (then bias and ReLU), and one channel's row gathered from it.
            int rounded = (pw + 7) & ~7;
            float* pooled = NativeScratch.Get(RowSlot, (long)rounded * StemChannels + rounded);
            float* row = pooled + (long)rounded * StemChannels;
            Vector512<float> bias0 = default, bias1 = default;
            if (ops.Bias != null) (bias0, bias1) = (Vector512.Load(ops.Bias), Vector512.Load(ops.Bias + 16));
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * StemChannels;
            long outPlane = (long)ph * pw;
            int next = py0;
            for (int y = y0; y < y1; y++)
            {
                float* rowIn = image + (long)y * w2;
                float* rowTile = tile + y % pk * rowFloats;
                for (int x = 0; x < ow; x += StemPixels)
                    Kernel32x12(k, a, rowIn + 2 * x, offsets, rowTile + x * StemChannels);
                for (; next < py1 && next * ps + pk - 1 <= y; next++)
                {
                    for (int px = 0; px < pw; px++)
                    {
                        float* win = tile + next * ps % pk * rowFloats + px * ps * StemChannels;
                        Vector512<float> m0 = Vector512.Load(win), m1 = Vector512.Load(win + 16);
                        for (int i = 0; i < pk; i++)
                        for (int j = 0; j < pk; j++)
                        {
                            float* t = tile + (next * ps + i) % pk * rowFloats + (px * ps + j) * StemChannels;
                            m0 = Vector512.Max(m0, Vector512.Load(t));
                            m1 = Vector512.Max(m1, Vector512.Load(t + 16));
                        }
                        if (ops.Bias != null)
                        {
                            m0 += bias0;
                            m1 += bias1;
                        }
                        if (ops.Relu)
                        {
                            m0 = Vector512.Max(m0, Vector512<float>.Zero);
                            m1 = Vector512.Max(m1, Vector512<float>.Zero);
                        }
                        m0.Store(pooled + px * StemChannels);
                        m1.Store(pooled + px * StemChannels + 16);
                    }
                    for (int o = 0; o < StemChannels; o++)
                    {
                        for (int px = 0; px < pw; px += 8)
                            Avx2.GatherVector256(pooled + px * StemChannels + o, lanes, 4).Store(row + px);
                        new ReadOnlySpan<float>(row, pw).CopyTo(new Span<float>(output + ((long)n * StemChannels + o) * outPlane + (long)next * pw, pw));
                    }
                }
            }
        }
    }

    /// <summary>
    /// 32 output channels × 12 pixels of a row at input steps of 2: <c>tile[t·32 + v] = Σ_p a[p·32 + v] · x[offsets[p] + 2t]</c>;
    /// per K step two weight loads, twelve broadcasts, 24 FMAs.
    /// </summary>
    private static void Kernel32x12(int k, float* a, float* x, int* offsets, float* tile)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < k; p++)
        {
            float* xp = x + offsets[p];
            Vector512<float> w0 = Vector512.Load(a), w1 = Vector512.Load(a + 16);
            var b = Vector512.Create(xp[0]);
            c00 = Avx512F.FusedMultiplyAdd(w0, b, c00); c01 = Avx512F.FusedMultiplyAdd(w1, b, c01);
            b = Vector512.Create(xp[2]);
            c10 = Avx512F.FusedMultiplyAdd(w0, b, c10); c11 = Avx512F.FusedMultiplyAdd(w1, b, c11);
            b = Vector512.Create(xp[4]);
            c20 = Avx512F.FusedMultiplyAdd(w0, b, c20); c21 = Avx512F.FusedMultiplyAdd(w1, b, c21);
            b = Vector512.Create(xp[6]);
            c30 = Avx512F.FusedMultiplyAdd(w0, b, c30); c31 = Avx512F.FusedMultiplyAdd(w1, b, c31);
            b = Vector512.Create(xp[8]);
            c40 = Avx512F.FusedMultiplyAdd(w0, b, c40); c41 = Avx512F.FusedMultiplyAdd(w1, b, c41);
            b = Vector512.Create(xp[10]);
            c50 = Avx512F.FusedMultiplyAdd(w0, b, c50); c51 = Avx512F.FusedMultiplyAdd(w1, b, c51);
            b = Vector512.Create(xp[12]);
            c60 = Avx512F.FusedMultiplyAdd(w0, b, c60); c61 = Avx512F.FusedMultiplyAdd(w1, b, c61);
            b = Vector512.Create(xp[14]);
            c70 = Avx512F.FusedMultiplyAdd(w0, b, c70); c71 = Avx512F.FusedMultiplyAdd(w1, b, c71);
            b = Vector512.Create(xp[16]);
            c80 = Avx512F.FusedMultiplyAdd(w0, b, c80); c81 = Avx512F.FusedMultiplyAdd(w1, b, c81);
            b = Vector512.Create(xp[18]);
            c90 = Avx512F.FusedMultiplyAdd(w0, b, c90); c91 = Avx512F.FusedMultiplyAdd(w1, b, c91);
            b = Vector512.Create(xp[20]);
            ca0 = Avx512F.FusedMultiplyAdd(w0, b, ca0); ca1 = Avx512F.FusedMultiplyAdd(w1, b, ca1);
            b = Vector512.Create(xp[22]);
            cb0 = Avx512F.FusedMultiplyAdd(w0, b, cb0); cb1 = Avx512F.FusedMultiplyAdd(w1, b, cb1);
            a += StemChannels;
        }
        c00.Store(tile); c01.Store(tile + 16); c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80); c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144); c50.Store(tile + 160); c51.Store(tile + 176);
        c60.Store(tile + 192); c61.Store(tile + 208); c70.Store(tile + 224); c71.Store(tile + 240);
        c80.Store(tile + 256); c81.Store(tile + 272); c90.Store(tile + 288); c91.Store(tile + 304);
        ca0.Store(tile + 320); ca1.Store(tile + 336); cb0.Store(tile + 352); cb1.Store(tile + 368);
    }
}
