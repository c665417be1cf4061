using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The weight and bias gradients of a 3×3, stride-1 convolution of one input channel followed by a ReLU and a plain
/// 2×2 max pool whose forward pass kept the window maxima's indices (<see cref="SingleChannelPooledConvolution"/>),
/// from the pool's gradient, AVX-512: the full-size gradient is never formed.
/// </summary>
/// <remarks>
/// Each pooled gradient (zero where the pooled output is not above 0: the ReLU's derivative) reaches one of its
/// window's four inputs, so with the image's columns split by parity as in the forward pass, 16 windows' gradients
/// split by index into four vectors multiply the same 16 input vectors the forward pass read: 36 FMAs per 16 windows
/// into nine per-lane accumulators per channel (and one for the bias), summed across lanes at the end. The sums run
/// over images, pooled rows and 16-window steps in that order for every channel, whatever the thread count (threads
/// take ranges of channels): deterministic and the same bits on any thread count; not the bits of
/// <see cref="DirectWeightGradient"/> (another order of the same sums). <see cref="Reference"/> is its naive twin.
/// </remarks>
internal static unsafe class SingleChannelPooledWeightGradient
{
    private const int PlanesSlot = 5, AccumulatorSlot = 6;

    /// <summary>Whether the pass takes <paramref name="g"/> (the convolution before the pool).</summary>
    public static bool Handles(in ConvGeometry g) =>
        Avx512F.IsSupported && g.InChannels == 1 && g.Groups == 1 && g.KernelHeight == 3 && g.KernelWidth == 3
        && g.StrideHeight == 1 && g.StrideWidth == 1 && g.OutHeight >= 2 && g.OutWidth >= 2
        && (g.OutHeight & 1) == 0 && (g.OutWidth & 1) == 0;

    /// <summary>
    /// Adds <c>∂W[o, i, j] = Σ ∂y[n, o, r, c] · x(n, r + i, c + j)</c> (padded coordinates) into <paramref name="dw"/>
    /// and <c>Σ ∂y[n, o, ·]</c> into <paramref name="db"/> (when not null), where ∂y is the pooled gradient
    /// <paramref name="gradOutput"/> routed to the input <paramref name="argmax"/> names, only where
    /// <paramref name="output"/> (the pooled output) is above 0.
    /// </summary>
    public static void Run(in ConvGeometry g, float* input, float* output, float* gradOutput, byte* argmax, float* dw, float* db, int threads)
    {
        int oc = g.OutChannels, pw = g.OutWidth / 2;
        int rows = g.OutHeight + 2, chunks = (pw + 15) / 16, stride = chunks * 16 + 16;
        long planeSize = (long)rows * stride, imagePlanes = 2 * planeSize;
        float* planes = NativeScratch.Get(PlanesSlot, g.Batch * imagePlanes);
        for (int n = 0; n < g.Batch; n++)
            SingleChannelPooledConvolution.SplitColumns(g, input + (long)n * g.InHeight * g.InWidth, rows, stride,
                planes + n * imagePlanes, planes + n * imagePlanes + planeSize);
        // Ten per-lane sums per channel: the nine taps', then the bias's.
        float* acc = NativeScratch.Get(AccumulatorSlot, (long)oc * 10 * 16);
        new Span<float>(acc, oc * 10 * 16).Clear();
        int items = threads <= 1 ? 1 : Math.Min(oc, 2 * threads);
        var work = JobCache<Work>.Rent();
        work.Set(g, planes, stride, output, gradOutput, argmax, acc, items);
        JobCache<Work>.RunAndReturn(work, items, threads);
        for (int o = 0; o < oc; o++)
        {
            float* a = acc + (long)o * 160;
            for (int t = 0; t < 9; t++) dw[o * 9 + t] += Vector512.Sum(Vector512.Load(a + 16 * t));
            if (db != null) db[o] += Vector512.Sum(Vector512.Load(a + 144));
        }
    }

    private sealed class Work : ParallelJob
    {
        private ConvGeometry g;
        private float* planes, output, gradOutput, acc;
        private byte* argmax;
        private int stride, items;

        public void Set(in ConvGeometry g, float* planes, int stride, float* output, float* gradOutput, byte* argmax, float* acc, int items)
        {
            this.g = g; this.planes = planes; this.stride = stride; this.output = output; this.gradOutput = gradOutput;
            this.argmax = argmax; this.acc = acc; this.items = items;
        }

        /// <summary>Channels [oc·item/items, oc·(item+1)/items), every image.</summary>
        public override void Execute(int item)
        {
            int oc = g.OutChannels, ph = g.OutHeight / 2, pw = g.OutWidth / 2;
            int first = (int)((long)oc * item / items), last = (int)((long)oc * (item + 1) / items);
            int rows = g.OutHeight + 2, chunks = (pw + 15) / 16;
            long planeSize = (long)rows * stride, outPlane = (long)ph * pw;
            float* gt = stackalloc float[16], mt = stackalloc float[16];
            byte* at = stackalloc byte[16];
            for (int n = 0; n < g.Batch; n++)
            {
                float* e = planes + n * 2 * planeSize, od = e + planeSize;
                for (int o = first; o < last; o++)
                {
                    float* sums = acc + (long)o * 160;
                    Vector512<float> s0 = Vector512.Load(sums), s1 = Vector512.Load(sums + 16), s2 = Vector512.Load(sums + 32);
                    Vector512<float> s3 = Vector512.Load(sums + 48), s4 = Vector512.Load(sums + 64), s5 = Vector512.Load(sums + 80);
                    Vector512<float> s6 = Vector512.Load(sums + 96), s7 = Vector512.Load(sums + 112), s8 = Vector512.Load(sums + 128);
                    Vector512<float> sb = Vector512.Load(sums + 144);
                    long plane = ((long)n * oc + o) * outPlane;
                    for (int py = 0; py < ph; py++)
                    for (int chunk = 0; chunk < chunks; chunk++)
                    {
                        int k = chunk * 16, count = Math.Min(16, pw - k);
                        long p = plane + (long)py * pw + k;
                        Vector512<float> gv, m;
                        Vector512<int> index;
                        if (count == 16)
                        {
                            gv = Vector512.Load(gradOutput + p);
                            m = Vector512.Load(output + p);
                            index = Avx512F.ConvertToVector512Int32(Vector128.Load(argmax + p));
                        }
                        else if (count == 8) // cnn2's 24-window rows: half vectors, nothing read past the row
                        {
                            gv = Vector512.Create(Vector256.Load(gradOutput + p), Vector256<float>.Zero);
                            m = Vector512.Create(Vector256.Load(output + p), Vector256<float>.Zero);
                            index = Avx512F.ConvertToVector512Int32(Vector128.CreateScalar(*(ulong*)(argmax + p)).AsByte());
                        }
                        else
                        {
                            // A row's last, partial step through buffers, element by element: no call in the loop,
                            // so the sums stay in registers.
                            Vector512<float>.Zero.Store(gt);
                            Vector512<float>.Zero.Store(mt);
                            Vector128<byte>.Zero.Store(at);
                            for (int l = 0; l < count; l++)
                            {
                                gt[l] = gradOutput[p + l];
                                mt[l] = output[p + l];
                                at[l] = argmax[p + l];
                            }
                            gv = Vector512.Load(gt);
                            m = Vector512.Load(mt);
                            index = Avx512F.ConvertToVector512Int32(Vector128.Load(at));
                        }
                        gv &= Vector512.GreaterThan(m, Vector512<float>.Zero);
                        sb += gv;
                        var ga = gv & Vector512.Equals(index, Vector512<int>.Zero).AsSingle();
                        var gb = gv & Vector512.Equals(index, Vector512<int>.One).AsSingle();
                        var gc = gv & Vector512.Equals(index, Vector512.Create(2)).AsSingle();
                        var gd = gv & Vector512.Equals(index, Vector512.Create(3)).AsSingle();
                        float* er = e + (long)2 * py * stride + k, oRow = od + (long)2 * py * stride + k;
                        // Row r of the window's top inputs is 2py + i, of its bottom inputs 2py + 1 + i (see the forward pass).
                        Vector512<float> e0 = Vector512.Load(er), o0 = Vector512.Load(oRow), f0 = Vector512.Load(er + 1), p0 = Vector512.Load(oRow + 1);
                        Vector512<float> e1 = Vector512.Load(er + stride), o1 = Vector512.Load(oRow + stride);
                        Vector512<float> f1 = Vector512.Load(er + stride + 1), p1 = Vector512.Load(oRow + stride + 1);
                        s0 = Tap(s0, ga, gb, gc, gd, e0, o0, e1, o1);
                        s1 = Tap(s1, ga, gb, gc, gd, o0, f0, o1, f1);
                        s2 = Tap(s2, ga, gb, gc, gd, f0, p0, f1, p1);
                        Vector512<float> e2 = Vector512.Load(er + 2 * stride), o2 = Vector512.Load(oRow + 2 * stride);
                        Vector512<float> f2 = Vector512.Load(er + 2 * stride + 1), p2 = Vector512.Load(oRow + 2 * stride + 1);
                        s3 = Tap(s3, ga, gb, gc, gd, e1, o1, e2, o2);
                        s4 = Tap(s4, ga, gb, gc, gd, o1, f1, o2, f2);
                        s5 = Tap(s5, ga, gb, gc, gd, f1, p1, f2, p2);
                        Vector512<float> e3 = Vector512.Load(er + 3 * stride), o3 = Vector512.Load(oRow + 3 * stride);
                        Vector512<float> f3 = Vector512.Load(er + 3 * stride + 1), p3 = Vector512.Load(oRow + 3 * stride + 1);
                        s6 = Tap(s6, ga, gb, gc, gd, e2, o2, e3, o3);
                        s7 = Tap(s7, ga, gb, gc, gd, o2, f2, o3, f3);
                        s8 = Tap(s8, ga, gb, gc, gd, f2, p2, f3, p3);
                    }
                    s0.Store(sums); s1.Store(sums + 16); s2.Store(sums + 32);
                    s3.Store(sums + 48); s4.Store(sums + 64); s5.Store(sums + 80);
                    s6.Store(sums + 96); s7.Store(sums + 112); s8.Store(sums + 128);
                    sb.Store(sums + 144);
                }
            }
        }
    }

    /// <summary><c>s + ga·xa + gb·xb + gc·xc + gd·xd</c>: one tap's products for the window's four inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Tap(Vector512<float> s, Vector512<float> ga, Vector512<float> gb, Vector512<float> gc, Vector512<float> gd,
        Vector512<float> xa, Vector512<float> xb, Vector512<float> xc, Vector512<float> xd)
    {
        s = Avx512F.FusedMultiplyAdd(ga, xa, s);
        s = Avx512F.FusedMultiplyAdd(gb, xb, s);
        s = Avx512F.FusedMultiplyAdd(gc, xc, s);
        return Avx512F.FusedMultiplyAdd(gd, xd, s);
    }

    /// <summary>The naive twin of <see cref="Run"/> (sums in double): the full-size gradient formed from the indices,
    /// then the weight and bias gradients of the convolution, added into <paramref name="dw"/> and <paramref name="db"/>.</summary>
    public static void Reference(in ConvGeometry g, float[] input, float[] output, float[] gradOutput, byte[] argmax, float[] dw, float[]? db)
    {
        int oc = g.OutChannels, oh = g.OutHeight, ow = g.OutWidth, ph = oh / 2, pw = ow / 2;
        var sumW = new double[oc * 9];
        var sumB = new double[oc];
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < oc; o++)
        for (int py = 0; py < ph; py++)
        for (int px = 0; px < pw; px++)
        {
            int p = ((n * oc + o) * ph + py) * pw + px;
            if (!(output[p] > 0f)) continue;
            double grad = gradOutput[p];
            int y = 2 * py + argmax[p] / 2, x = 2 * px + argmax[p] % 2;
            sumB[o] += grad;
            for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int iy = y + i - g.PadTop, ix = x + j - g.PadLeft;
                if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                sumW[o * 9 + i * 3 + j] += grad * input[(n * g.InHeight + iy) * g.InWidth + ix];
            }
        }
        for (int t = 0; t < sumW.Length; t++) dw[t] += (float)sumW[t];
        if (db != null)
            for (int o = 0; o < oc; o++) db[o] += (float)sumB[o];
    }
}
