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
/// <see cref="DirectConvolution.ForwardPooledArgmax"/>, with no convolution row in memory. One image per work item.
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
        try
        {
            if (threads <= 1 || g.Batch == 1)
                for (int n = 0; n < g.Batch; n++) work.Execute(n);
            else WorkerPool.Run(work, g.Batch, threads);
        }
        finally { JobCache<Work>.Return(work); }
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
            Vector512<int> one = Vector512.Create(1), two = Vector512.Create(2), three = Vector512.Create(3);
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
                for (int o = 0; o < oc; o++)
                {
                    float* w = wb + (long)o * 144;
                    Vector512<float> w0 = Vector512.Load(w), w1 = Vector512.Load(w + 16), w2 = Vector512.Load(w + 32);
                    // Window inputs: a (row 0, even column), b (row 0, odd), c (row 1, even), d (row 1, odd).
                    var a = Avx512F.FusedMultiplyAdd(w0, e0, Vector512<float>.Zero);
                    var b = Avx512F.FusedMultiplyAdd(w0, o0, Vector512<float>.Zero);
                    var c = Avx512F.FusedMultiplyAdd(w0, e1, Vector512<float>.Zero);
                    var d = Avx512F.FusedMultiplyAdd(w0, o1, Vector512<float>.Zero);
                    a = Avx512F.FusedMultiplyAdd(w1, o0, a); b = Avx512F.FusedMultiplyAdd(w1, f0, b);
                    c = Avx512F.FusedMultiplyAdd(w1, o1, c); d = Avx512F.FusedMultiplyAdd(w1, f1, d);
                    a = Avx512F.FusedMultiplyAdd(w2, f0, a); b = Avx512F.FusedMultiplyAdd(w2, p0, b);
                    c = Avx512F.FusedMultiplyAdd(w2, f1, c); d = Avx512F.FusedMultiplyAdd(w2, p1, d);
                    w0 = Vector512.Load(w + 48); w1 = Vector512.Load(w + 64); w2 = Vector512.Load(w + 80);
                    a = Avx512F.FusedMultiplyAdd(w0, e1, a); b = Avx512F.FusedMultiplyAdd(w0, o1, b);
                    c = Avx512F.FusedMultiplyAdd(w0, e2, c); d = Avx512F.FusedMultiplyAdd(w0, o2, d);
                    a = Avx512F.FusedMultiplyAdd(w1, o1, a); b = Avx512F.FusedMultiplyAdd(w1, f1, b);
                    c = Avx512F.FusedMultiplyAdd(w1, o2, c); d = Avx512F.FusedMultiplyAdd(w1, f2, d);
                    a = Avx512F.FusedMultiplyAdd(w2, f1, a); b = Avx512F.FusedMultiplyAdd(w2, p1, b);
                    c = Avx512F.FusedMultiplyAdd(w2, f2, c); d = Avx512F.FusedMultiplyAdd(w2, p2, d);
                    w0 = Vector512.Load(w + 96); w1 = Vector512.Load(w + 112); w2 = Vector512.Load(w + 128);
                    a = Avx512F.FusedMultiplyAdd(w0, e2, a); b = Avx512F.FusedMultiplyAdd(w0, o2, b);
                    c = Avx512F.FusedMultiplyAdd(w0, e3, c); d = Avx512F.FusedMultiplyAdd(w0, o3, d);
                    a = Avx512F.FusedMultiplyAdd(w1, o2, a); b = Avx512F.FusedMultiplyAdd(w1, f2, b);
                    c = Avx512F.FusedMultiplyAdd(w1, o3, c); d = Avx512F.FusedMultiplyAdd(w1, f3, d);
                    a = Avx512F.FusedMultiplyAdd(w2, f2, a); b = Avx512F.FusedMultiplyAdd(w2, p2, b);
                    c = Avx512F.FusedMultiplyAdd(w2, f3, c); d = Avx512F.FusedMultiplyAdd(w2, p3, d);
                    var bias = Vector512.Load(bb + 16 * o);
                    Vector512<float> ta = a + bias, tb = b + bias, tc = c + bias, td = d + bias;
                    var m = Vector512.Max(Vector512.Max(ta, tb), Vector512.Max(tc, td));
                    var index = Vector512.ConditionalSelect(Vector512.Equals(tc, m).AsInt32(), two, three);
                    index = Vector512.ConditionalSelect(Vector512.Equals(tb, m).AsInt32(), one, index);
                    index = Vector512.ConditionalSelect(Vector512.Equals(ta, m).AsInt32(), Vector512<int>.Zero, index);
                    var y = Vector512.Max(m, Vector512<float>.Zero);
                    var bytes = Avx512F.ConvertToVector128Byte(index);
                    long dst = o * outPlane + at;
                    if (count == 16)
                    {
                        y.Store(outImage + dst);
                        bytes.Store(argImage + dst);
                    }
                    else if (count == 8) // cnn2's 24-window rows: the low halves
                    {
                        y.GetLower().Store(outImage + dst);
                        *(ulong*)(argImage + dst) = bytes.AsUInt64().ToScalar();
                    }
                    else
                    {
                        y.Store(tail);
                        bytes.Store(tailArg);
                        new ReadOnlySpan<float>(tail, count).CopyTo(new Span<float>(outImage + dst, count));
                        new ReadOnlySpan<byte>(tailArg, count).CopyTo(new Span<byte>(argImage + dst, count));
                    }
                }
            }
        }
    }

    /// <summary>The zero-padded image's rows 0 … <paramref name="rows"/> − 1 split by column parity:
    /// <c>e[r·stride + k] = x(r, 2k)</c>, <c>od[r·stride + k] = x(r, 2k + 1)</c> in padded coordinates, zero past the
    /// padded image.</summary>
    private static void SplitColumns(in ConvGeometry g, float* image, int rows, int stride, float* e, float* od)
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
            for (int k = 0; k < stride; k++)
            {
                int x0 = 2 * k - pl, x1 = x0 + 1;
                er[k] = x0 >= 0 && x0 < w ? src[x0] : 0f;
                oRow[k] = x1 >= 0 && x1 < w ? src[x1] : 0f;
            }
        }
    }
}
