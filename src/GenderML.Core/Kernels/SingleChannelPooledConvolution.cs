using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Ops;

namespace GenderML.Core.Kernels;

/// <summary>
/// Training's <c>pool(relu(conv(x) + b))</c> with the window maxima's indices for a 3×3, stride-1 convolution of one
/// input channel and a plain 2×2 max pool (cnn2's and cnn3's first layer), AVX-512: the four convolution outputs of
/// each pool window are summed in registers, 16 windows per vector, and pooled there.
/// </summary>
/// <remarks>
/// Each image's padded rows are split by column parity (E[r][k] = x(r, 2k), O[r][k] = x(r, 2k + 1)), so the window's
/// top-left output at column 2k reads E[k], O[k], E[k + 1] and its top-right output O[k], E[k + 1], O[k + 1]: four
/// 9-tap FMA chains per 16 windows and channel, each over the taps in row-major order from zero as
/// <see cref="DirectConvolution"/>'s register blocks sum them, then <c>+ b</c>, the maximum and its first index as
/// <see cref="DirectConvolution.PoolRowArgmax"/> forms them: the same bits as
/// <see cref="DirectConvolution.ForwardPooledArgmax"/> (for inputs without NaN), with no convolution row in memory.
/// One image per work item.
/// </remarks>
internal static unsafe class SingleChannelPooledConvolution
{
    private const int PlanesSlot = 0, WeightSlot = 2;

    /// <summary>Whether the pass takes the convolution <paramref name="g"/> and the pool <paramref name="pool"/> of its
    /// output (where <see cref="DirectConvolution.ForwardPooledArgmax"/> does).</summary>
    public static bool Handles(in ConvGeometry g, in PoolGeometry pool) =>
        Avx512F.IsSupported && g.InChannels == 1 && g.Groups == 1 && g.KernelHeight == 3 && g.KernelWidth == 3
        && g.StrideHeight == 1 && g.StrideWidth == 1 && DirectConvolution.HandlesPooledArgmax(g, pool);

    /// <summary>
    /// Writes <c>pool(relu(conv(x) + b))</c> (N×OC×PH×PW) to <paramref name="output"/> and each window's first maximum
    /// (0, 1: top row, 2, 3: bottom row) to <paramref name="argmax"/>; <paramref name="bias"/> may be null.
    /// </summary>
    public static void Forward(in ConvGeometry g, float* input, float* weight, float* bias, float* output, byte* argmax, int threads)
    {
        int oc = g.OutChannels;
        // Each weight broadcast to a vector once per call, read from L1 by every FMA.
        float* wb = NativeScratch.Get(WeightSlot, (long)oc * 9 * 16 + 16 * oc);
        for (int t = 0; t < oc * 9; t++) Vector512.Create(weight[t]).Store(wb + 16 * t);
        float* bb = wb + (long)oc * 9 * 16;
        for (int o = 0; o < oc; o++) Vector512.Create(bias == null ? 0f : bias[o]).Store(bb + 16 * o);
        var work = JobCache<Work>.Rent();
        work.Set(g, input, wb, bb, output, argmax);
        JobCache<Work>.RunAndReturn(work, g.Batch, threads);
    }

    private sealed class Work : ParallelJob
    {
        private ConvGeometry g;
        private float* input, wb, bb, output;
        private byte* argmax;

        public void Set(in ConvGeometry g, float* input, float* wb, float* bb, float* output, byte* argmax)
        {
            this.g = g; this.input = input; this.wb = wb; this.bb = bb; this.output = output; this.argmax = argmax;
        }

        public override void Execute(int n)
        {
            int ph = g.OutHeight / 2, pw = g.OutWidth / 2, oc = g.OutChannels;
            int rows = g.OutHeight + 2, chunks = (pw + 15) / 16, stride = chunks * 16 + 16;
            long planeSize = (long)rows * stride;
            float* e = NativeScratch.Get(PlanesSlot, 2 * planeSize), od = e + planeSize;
            SplitColumns(g, input + (long)n * g.InHeight * g.InWidth, rows, stride, e, od);
            long outPlane = (long)ph * pw;
            float* outImage = output + (long)n * oc * outPlane;
            byte* argImage = argmax + (long)n * oc * outPlane;
            float* tail = stackalloc float[16];
            byte* tailArg = stackalloc byte[16];
            for (int py = 0; py < ph; py++)
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                int k = chunk * 16, count = Math.Min(16, pw - k);
                float* er = e + (long)2 * py * stride + k, oRow = od + (long)2 * py * stride + k;
                // Rows 2py … 2py + 3 at columns 2k (E), 2k + 1 (O), 2k + 2 (E, one on), 2k + 3 (O, one on).
                Vector512<float> e0 = Vector512.Load(er), e1 = Vector512.Load(er + stride), e2 = Vector512.Load(er + 2 * stride), e3 = Vector512.Load(er + 3 * stride);
                Vector512<float> o0 = Vector512.Load(oRow), o1 = Vector512.Load(oRow + stride), o2 = Vector512.Load(oRow + 2 * stride), o3 = Vector512.Load(oRow + 3 * stride);
                Vector512<float> f0 = Vector512.Load(er + 1), f1 = Vector512.Load(er + stride + 1), f2 = Vector512.Load(er + 2 * stride + 1), f3 = Vector512.Load(er + 3 * stride + 1);
                Vector512<float> p0 = Vector512.Load(oRow + 1), p1 = Vector512.Load(oRow + stride + 1), p2 = Vector512.Load(oRow + 2 * stride + 1), p3 = Vector512.Load(oRow + 3 * stride + 1);
                long at = (long)py * pw + k;
                int o = 0;
                // Two channels at a time: eight independent FMA chains keep both FMA pipes busy (four would wait on
                // their own latency).
                for (; o + 2 <= oc; o += 2)
                {
                    float* w = wb + (long)o * 144, v = w + 144;
                    Vector512<float> a = Vector512<float>.Zero, b = a, c = a, d = a, a1 = a, b1 = a, c1 = a, d1 = a;
                    Tap(w, v, e0, o0, e1, o1, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 16, v + 16, o0, f0, o1, f1, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 32, v + 32, f0, p0, f1, p1, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 48, v + 48, e1, o1, e2, o2, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 64, v + 64, o1, f1, o2, f2, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 80, v + 80, f1, p1, f2, p2, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 96, v + 96, e2, o2, e3, o3, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 112, v + 112, o2, f2, o3, f3, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 128, v + 128, f2, p2, f3, p3, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Pool(a, b, c, d, bb + 16 * o, outImage + o * outPlane + at, argImage + o * outPlane + at, count, tail, tailArg);
                    Pool(a1, b1, c1, d1, bb + 16 * (o + 1), outImage + (o + 1) * outPlane + at, argImage + (o + 1) * outPlane + at, count, tail, tailArg);
                }
                if (o < oc)
                {
                    float* w = wb + (long)o * 144;
                    Vector512<float> a = Vector512<float>.Zero, b = a, c = a, d = a, a1 = a, b1 = a, c1 = a, d1 = a;
                    Tap(w, w, e0, o0, e1, o1, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 16, w + 16, o0, f0, o1, f1, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 32, w + 32, f0, p0, f1, p1, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 48, w + 48, e1, o1, e2, o2, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 64, w + 64, o1, f1, o2, f2, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 80, w + 80, f1, p1, f2, p2, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 96, w + 96, e2, o2, e3, o3, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 112, w + 112, o2, f2, o3, f3, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Tap(w + 128, w + 128, f2, p2, f3, p3, ref a, ref b, ref c, ref d, ref a1, ref b1, ref c1, ref d1);
                    Pool(a, b, c, d, bb + 16 * o, outImage + o * outPlane + at, argImage + o * outPlane + at, count, tail, tailArg);
                }
            }
        }
    }

    /// <summary>One tap (i, j) of two channels (weights broadcast at <paramref name="w"/> and <paramref name="v"/>):
    /// the window inputs a, b (row 2py + i) and c, d (row 2py + 1 + i) read <paramref name="xa"/>, <paramref name="xb"/>,
    /// <paramref name="xc"/>, <paramref name="xd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(float* w, float* v, Vector512<float> xa, Vector512<float> xb, Vector512<float> xc, Vector512<float> xd,
        ref Vector512<float> a, ref Vector512<float> b, ref Vector512<float> c, ref Vector512<float> d,
        ref Vector512<float> a1, ref Vector512<float> b1, ref Vector512<float> c1, ref Vector512<float> d1)
    {
        var wv = Vector512.Load(w);
        var vv = Vector512.Load(v);
        a = Avx512F.FusedMultiplyAdd(wv, xa, a); a1 = Avx512F.FusedMultiplyAdd(vv, xa, a1);
        b = Avx512F.FusedMultiplyAdd(wv, xb, b); b1 = Avx512F.FusedMultiplyAdd(vv, xb, b1);
        c = Avx512F.FusedMultiplyAdd(wv, xc, c); c1 = Avx512F.FusedMultiplyAdd(vv, xc, c1);
        d = Avx512F.FusedMultiplyAdd(wv, xd, d); d1 = Avx512F.FusedMultiplyAdd(vv, xd, d1);
    }

    /// <summary><c>t = sum + b</c> for the window's four inputs, then <c>relu(max t)</c> and the first index equal to
    /// the maximum; <paramref name="count"/> windows stored. The maxima are the instruction's (<c>vmaxps</c>), not
    /// IEEE's: they differ only in the sign of a zero, which the ReLU and the index comparisons do not see, and for
    /// NaN, so the values are <see cref="DirectConvolution.PoolRowArgmax"/>'s for every input without NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pool(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* bias,
        float* dst, byte* arg, int count, float* tail, byte* tailArg)
    {
        var bv = Vector512.Load(bias);
        Vector512<float> ta = a + bv, tb = b + bv, tc = c + bv, td = d + bv;
        var m = Avx512F.Max(Avx512F.Max(ta, tb), Avx512F.Max(tc, td));
        var index = Vector512.ConditionalSelect(Vector512.Equals(tc, m).AsInt32(), Vector512.Create(2), Vector512.Create(3));
        index = Vector512.ConditionalSelect(Vector512.Equals(tb, m).AsInt32(), Vector512<int>.One, index);
        index = Vector512.ConditionalSelect(Vector512.Equals(ta, m).AsInt32(), Vector512<int>.Zero, index);
        var y = Avx512F.Max(m, Vector512<float>.Zero);
        var bytes = Avx512F.ConvertToVector128Byte(index);
        if (count == 16)
        {
            y.Store(dst);
            bytes.Store(arg);
        }
        else if (count == 8) // cnn2's 24-window rows: the low halves
        {
            y.GetLower().Store(dst);
            *(ulong*)arg = bytes.AsUInt64().ToScalar();
        }
        else
        {
            // Element by element: no call in the loop, so the inputs stay in registers.
            y.Store(tail);
            bytes.Store(tailArg);
            for (int l = 0; l < count; l++)
            {
                dst[l] = tail[l];
                arg[l] = tailArg[l];
            }
        }
    }

    /// <summary>The zero-padded image's rows 0 … <paramref name="rows"/> − 1 split by column parity:
    /// <c>e[r·stride + k] = x(r, 2k)</c>, <c>od[r·stride + k] = x(r, 2k + 1)</c> in padded coordinates, zero past the
    /// padded image.</summary>
    internal static void SplitColumns(in ConvGeometry g, float* image, int rows, int stride, float* e, float* od)
    {
        int h = g.InHeight, w = g.InWidth, pt = g.PadTop, pl = g.PadLeft;
        for (int r = 0; r < rows; r++)
        {
            float* er = e + (long)r * stride, oRow = od + (long)r * stride;
            int iy = r - pt;
            if (iy < 0 || iy >= h)
            {
                new Span<float>(er, stride).Clear();
                new Span<float>(oRow, stride).Clear();
                continue;
            }
            float* src = image + (long)iy * w;
            if (SpaceToDepthRow.Takes(stride))
            {
                SpaceToDepthRow.Split(src, w, pl, er, oRow, stride);
                continue;
            }
            for (int k = 0; k < stride; k++)
            {
                int x0 = 2 * k - pl, x1 = x0 + 1;
                er[k] = x0 >= 0 && x0 < w ? src[x0] : 0f;
                oRow[k] = x1 >= 0 && x1 < w ? src[x1] : 0f;
            }
        }
    }
}
