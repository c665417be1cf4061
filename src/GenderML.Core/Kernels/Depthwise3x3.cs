using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// Forward depthwise 3×3 convolution, stride 1 or 2, vectorised along the output row. Each plane is first copied
/// into a zero-bordered scratch (the ReLU of the input applied on the way when asked), so every tap of a run of
/// outputs is one unaligned vector load: stride 1 reads padded row <c>y + i</c> at column <c>x + j</c>; stride 2
/// splits each padded row into its even and odd columns, where tap j of output x is at column
/// <c>x + j/2</c> of the even half (j = 0, 2) or column x of the odd half (j = 1). Then
/// <c>y = act(bias + Σ_{i,j} w[i,j]·x[…] + residual)</c>, the sum one fused multiply-add chain in tap order
/// (as <see cref="DepthwiseConvolution"/>, the naive twin), the epilogue that of <see cref="ConvEpilogue.Row"/>.
/// </summary>
/// <remarks>Work items are planes (image, channel): results do not depend on the thread count.</remarks>
internal static unsafe partial class Depthwise3x3
{
    private const int PaddedSlot = 6;

    /// <summary>Whether this kernel takes the forward pass of <paramref name="g"/>: depthwise, 3×3, stride 1 or 2.
    /// </summary>
    public static bool Handles(in ConvGeometry g) =>
        g.Groups == g.InChannels && g.OutChannels == g.InChannels && g.KernelHeight == 3 && g.KernelWidth == 3
        && g.StrideHeight == g.StrideWidth && (g.StrideHeight == 1 || g.StrideHeight == 2);

    public static void Forward(in ConvOperands ops, bool reluInput, int threads)
        => Forward(ops, reluInput, threads, GemmBlocking.BestIsa);

    /// <summary>The forward pass on <paramref name="isa"/>; <paramref name="reluInput"/> takes <c>max(x, 0)</c> of
    /// the input instead of x.</summary>
    public static void Forward(in ConvOperands ops, bool reluInput, int threads, GemmIsa isa)
    {
        var job = JobCache<Job>.Rent();
        job.Set(ops, reluInput, isa);
        JobCache<Job>.RunAndReturn(job, ops.G.Batch * ops.G.InChannels, threads);
    }

    private static int Lanes(GemmIsa isa) => isa switch { GemmIsa.Avx512 => 16, GemmIsa.Avx2 => 8, _ => 1 };

    /// <summary>Plane <paramref name="plane"/> (image · C + channel) of the output.</summary>
    private static void Plane(in ConvOperands ops, bool reluInput, GemmIsa isa, int plane)
        => Rows(ops, reluInput, isa, plane, plane + 1, 0, ops.G.OutHeight,
            ops.Output + (long)plane * ops.G.OutHeight * ops.G.OutWidth, 0);

    /// <summary>
    /// Rows [<paramref name="y0"/>, <paramref name="y1"/>) of output planes [<paramref name="plane0"/>,
    /// <paramref name="plane1"/>) (image · C + channel), each plane's rows written one after another from
    /// <paramref name="dst"/> + (plane − plane0)·<paramref name="dstPitch"/>; the epilogue's residual is read at the
    /// rows' place in the output.
    /// </summary>
    internal static void Rows(in ConvOperands ops, bool reluInput, GemmIsa isa, int plane0, int plane1, int y0, int y1,
        float* dst, long dstPitch)
    {
        var g = ops.G;
        if (Unpadded(g, isa))
        {
            for (int plane = plane0; plane < plane1; plane++)
                UnpaddedRows(ops, reluInput, plane, y0, y1, dst + (plane - plane0) * dstPitch);
            return;
        }
        int s = g.StrideHeight, w = g.InWidth, ow = g.OutWidth;
        int pw = w + g.PadLeft + g.PadRight, lanes = Lanes(isa);
        int rounded = (ow + lanes - 1) / lanes * lanes;
        // Row width of the scratch (each half's, for stride 2): room for the last vector's taps, 16-float aligned.
        int width = s == 1 ? Math.Max(pw, rounded + 2) : Math.Max((pw + 1) / 2, rounded + 1);
        width = (width + 15) & ~15;
        // Scratch row r holds padded row y0·s + r; 16 floats of slack: the vector copy's last store may run one
        // float past the last row.
        float* pad = NativeScratch.Get(PaddedSlot, (long)((y1 - 1 - y0) * s + 3) * s * width + 16);
        for (int plane = plane0; plane < plane1; plane++)
            PlaneRows(ops, reluInput, isa, plane, y0, y1, dst + (plane - plane0) * dstPitch, pad, width);
    }

    /// <summary>One plane's rows for <see cref="Rows"/>, through the padded scratch at <paramref name="pad"/>
    /// (<paramref name="width"/> floats a row, or a half-row for stride 2).</summary>
    private static void PlaneRows(in ConvOperands ops, bool reluInput, GemmIsa isa, int plane, int y0, int y1,
        float* dst, float* pad, int width)
    {
        var g = ops.G;
        int s = g.StrideHeight, h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth;
        int c = plane % g.InChannels, lanes = Lanes(isa), rounded = (ow + lanes - 1) / lanes * lanes;
        int pitch = s * width, first = y0 * s, rows = (y1 - 1 - y0) * s + 3;
        float* x = ops.Input + (long)plane * h * w;
        if (isa == GemmIsa.Avx512 && s == 1 && g.PadLeft == 1)
            Avx512PadRows(x, h, w, first - g.PadTop, rows, pad, width, reluInput);
        else
            PadRows(g, x, first, rows, pad, width, reluInput);
        // Tap j's column offset from output x in a padded row (stride 2: even half, odd half, even half + 1).
        int c0 = 0, c1 = s == 1 ? 1 : width, c2 = s == 1 ? 2 : 1;
        float* k = ops.Weight + (long)c * 9;
        float bias = ops.Bias == null ? 0f : ops.Bias[c];
        long outPlane = (long)plane * oh * ow;
        int y = y0;
        if (isa == GemmIsa.Avx512 && s == 1)
            for (; y + 4 <= y1; y += 4, dst += 4 * ow)
            {
                Avx512Rows4(pad + (long)(y - y0) * pitch, pitch, k, bias, dst, ow,
                    y + 4 < y1 && rounded - ow <= ow);
                if (ops.Residual != null || ops.Relu)
                    for (int t = 0; t < 4; t++)
                        ConvEpilogue.Row(dst + t * ow,
                            ops.Residual == null ? null : ops.Residual + outPlane + (long)(y + t) * ow,
                            dst + t * ow, 0f, hasBias: false, ops.Relu, ow);
            }
        for (; y < y1; y++, dst += ow)
        {
            float* r0 = pad + (long)(y - y0) * s * pitch, r1 = r0 + pitch, r2 = r1 + pitch;
            // A row's last vector may run on into the next row, which is written after it; never the last row's.
            bool runOn = y + 1 < y1 && rounded - ow <= ow;
            int q = 0;
            if (isa == GemmIsa.Avx512)
            {
                var b = Vector512.Create(bias);
                Vector512<float> w0 = Vector512.Create(k[0]), w1 = Vector512.Create(k[1]), w2 = Vector512.Create(k[2]);
                Vector512<float> w3 = Vector512.Create(k[3]), w4 = Vector512.Create(k[4]), w5 = Vector512.Create(k[5]);
                Vector512<float> w6 = Vector512.Create(k[6]), w7 = Vector512.Create(k[7]), w8 = Vector512.Create(k[8]);
                for (; q < ow; q += 16)
                {
                    var acc = Avx512F.FusedMultiplyAdd(w0, Vector512.Load(r0 + c0 + q), b);
                    acc = Avx512F.FusedMultiplyAdd(w1, Vector512.Load(r0 + c1 + q), acc);
                    acc = Avx512F.FusedMultiplyAdd(w2, Vector512.Load(r0 + c2 + q), acc);
                    acc = Avx512F.FusedMultiplyAdd(w3, Vector512.Load(r1 + c0 + q), acc);
                    acc = Avx512F.FusedMultiplyAdd(w4, Vector512.Load(r1 + c1 + q), acc);
                    acc = Avx512F.FusedMultiplyAdd(w5, Vector512.Load(r1 + c2 + q), acc);
                    acc = Avx512F.FusedMultiplyAdd(w6, Vector512.Load(r2 + c0 + q), acc);
                    acc = Avx512F.FusedMultiplyAdd(w7, Vector512.Load(r2 + c1 + q), acc);
                    acc = Avx512F.FusedMultiplyAdd(w8, Vector512.Load(r2 + c2 + q), acc);
                    if (q + 16 <= ow || runOn) acc.Store(dst + q);
                    else StoreTail(acc, dst + q, ow - q);
                }
            }
            else if (isa == GemmIsa.Avx2)
            {
                var b = Vector256.Create(bias);
                Vector256<float> w0 = Vector256.Create(k[0]), w1 = Vector256.Create(k[1]), w2 = Vector256.Create(k[2]);
                Vector256<float> w3 = Vector256.Create(k[3]), w4 = Vector256.Create(k[4]), w5 = Vector256.Create(k[5]);
                Vector256<float> w6 = Vector256.Create(k[6]), w7 = Vector256.Create(k[7]), w8 = Vector256.Create(k[8]);
                for (; q < ow; q += 8)
                {
                    var acc = Fma.MultiplyAdd(w0, Vector256.Load(r0 + c0 + q), b);
                    acc = Fma.MultiplyAdd(w1, Vector256.Load(r0 + c1 + q), acc);
                    acc = Fma.MultiplyAdd(w2, Vector256.Load(r0 + c2 + q), acc);
                    acc = Fma.MultiplyAdd(w3, Vector256.Load(r1 + c0 + q), acc);
                    acc = Fma.MultiplyAdd(w4, Vector256.Load(r1 + c1 + q), acc);
                    acc = Fma.MultiplyAdd(w5, Vector256.Load(r1 + c2 + q), acc);
                    acc = Fma.MultiplyAdd(w6, Vector256.Load(r2 + c0 + q), acc);
                    acc = Fma.MultiplyAdd(w7, Vector256.Load(r2 + c1 + q), acc);
                    acc = Fma.MultiplyAdd(w8, Vector256.Load(r2 + c2 + q), acc);
                    if (q + 8 <= ow || runOn) acc.Store(dst + q);
                    else
                        for (int t = 0; t < ow - q; t++) dst[q + t] = acc.GetElement(t);
                }
            }
            else
            {
                for (; q < ow; q++)
                {
                    float acc = MathF.FusedMultiplyAdd(k[0], r0[c0 + q], bias);
                    acc = MathF.FusedMultiplyAdd(k[1], r0[c1 + q], acc);
                    acc = MathF.FusedMultiplyAdd(k[2], r0[c2 + q], acc);
                    acc = MathF.FusedMultiplyAdd(k[3], r1[c0 + q], acc);
                    acc = MathF.FusedMultiplyAdd(k[4], r1[c1 + q], acc);
                    acc = MathF.FusedMultiplyAdd(k[5], r1[c2 + q], acc);
                    acc = MathF.FusedMultiplyAdd(k[6], r2[c0 + q], acc);
                    acc = MathF.FusedMultiplyAdd(k[7], r2[c1 + q], acc);
                    dst[q] = MathF.FusedMultiplyAdd(k[8], r2[c2 + q], acc);
                }
            }
            if (ops.Residual != null || ops.Relu)
                ConvEpilogue.Row(dst, ops.Residual == null ? null : ops.Residual + outPlane + (long)y * ow, dst, 0f,
                    hasBias: false, ops.Relu, ow);
        }
    }

    /// <summary>Padded rows [<paramref name="first"/>, + <paramref name="rows"/>) of the plane at <paramref name="x"/>
    /// into the scratch, <paramref name="width"/> floats a row (stride 2: each row's even then odd columns, two
    /// halves of that width), zero outside the input.</summary>
    private static void PadRows(in ConvGeometry g, float* x, int first, int rows, float* pad, int width,
        bool reluInput)
    {
        int s = g.StrideHeight, h = g.InHeight, w = g.InWidth, pitch = s * width;
        new Span<float>(pad, rows * pitch).Clear();
        int iyStart = Math.Max(0, first - g.PadTop), iyEnd = Math.Min(h, first + rows - g.PadTop);
        for (int iy = iyStart; iy < iyEnd; iy++)
        {
            float* src = x + (long)iy * w, row = pad + (long)(iy + g.PadTop - first) * pitch;
            if (s == 1)
            {
                var to = new Span<float>(row + g.PadLeft, w);
                if (reluInput) Ops.Elementwise.Relu(new ReadOnlySpan<float>(src, w), to);
                else new ReadOnlySpan<float>(src, w).CopyTo(to);
                continue;
            }
            for (int ix = 0; ix < w; ix++)
            {
                int pc = ix + g.PadLeft;
                float v = src[ix];
                row[(pc & 1) * width + (pc >> 1)] = reluInput ? MathF.Max(v, 0f) : v;
            }
        }
    }

    /// <summary>
    /// <see cref="PadRows"/> for stride 1 with one column of padding on the left, AVX-512: scratch row r holds input row
    /// <paramref name="iy0"/> + r from column 1, zeros around it (a row of zeros above or below the input), copied in
    /// vectors (the last one masked, so nothing past the row is read), ReLU'd on the way.
    /// </summary>
    private static void Avx512PadRows(float* x, int h, int w, int iy0, int rows, float* pad, int width, bool reluInput)
    {
        int full = (w - 1) >> 4;
        var restMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(w - 16 * full)).AsSingle();
        for (int r = 0; r < rows; r++)
        {
            float* row = pad + (long)r * width;
            int iy = iy0 + r;
            if (iy < 0 || iy >= h)
            {
                for (int v = 0; v < width; v += 16) Vector512<float>.Zero.Store(row + v);
                continue;
            }
            float* src = x + (long)iy * w;
            // The columns past the input are zero: the masked lanes of the last vector, and (the width being a
            // multiple of 16 at least w + 2) the last 16 floats of the row.
            Vector512<float>.Zero.Store(row + width - 16);
            row[0] = 0f;
            for (int v = 0; v < full; v++)
            {
                var value = Vector512.Load(src + 16 * v);
                if (reluInput) value = Vector512.Max(value, Vector512<float>.Zero);
                value.Store(row + 1 + 16 * v);
            }
            var last = Avx512F.MaskLoad(src + 16 * full, restMask, Vector512<float>.Zero);
            if (reluInput) last = Vector512.Max(last, Vector512<float>.Zero);
            last.Store(row + 1 + 16 * full);
        }
    }

    /// <summary>
    /// Four output rows of a stride-1 plane from the six padded rows at <paramref name="pad"/>: each input vector is
    /// loaded once for the (up to three) rows it feeds, four independent accumulator chains, each in tap order. The
    /// column runs go from last to first, so a run-on store past a row's end lands where the next row's first run is
    /// stored afterwards; the fourth row runs on only when <paramref name="runOnLast"/> (a later row follows). Rows
    /// whose last run is 8 outputs (OW = 16n + 8) take that run two rows a vector (<see cref="Avx512PairedTail4"/>),
    /// not half a vector each.
    /// </summary>
    private static void Avx512Rows4(float* pad, nint pitch, float* k, float bias, float* dst, int ow, bool runOnLast)
    {
        var b = Vector512.Create(bias);
        Vector512<float> w0 = Vector512.Create(k[0]), w1 = Vector512.Create(k[1]), w2 = Vector512.Create(k[2]);
        Vector512<float> w3 = Vector512.Create(k[3]), w4 = Vector512.Create(k[4]), w5 = Vector512.Create(k[5]);
        Vector512<float> w6 = Vector512.Create(k[6]), w7 = Vector512.Create(k[7]), w8 = Vector512.Create(k[8]);
        int last = (ow - 1) & ~15;
        if ((ow & 15) == 8)
        {
            Avx512PairedTail4(pad + last, pitch, new Taps(k), b, dst + last, ow);
            last -= 16;
        }
        // The last run writes up to 15 floats past the row: into the next row, if it is that long.
        bool runOn = last + 16 - ow <= ow;
        for (int q = last; q >= 0; q -= 16)
        {
            float* p = pad + q;
            Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b;
            // Padded row i feeds output row i − t through kernel row t.
            Taps3(p, out var x0, out var x1, out var x2);
            a0 = Avx512F.FusedMultiplyAdd(w0, x0, a0); a0 = Avx512F.FusedMultiplyAdd(w1, x1, a0);
            a0 = Avx512F.FusedMultiplyAdd(w2, x2, a0);
            p += pitch;
            Taps3(p, out x0, out x1, out x2);
            a0 = Avx512F.FusedMultiplyAdd(w3, x0, a0); a0 = Avx512F.FusedMultiplyAdd(w4, x1, a0);
            a0 = Avx512F.FusedMultiplyAdd(w5, x2, a0);
            a1 = Avx512F.FusedMultiplyAdd(w0, x0, a1); a1 = Avx512F.FusedMultiplyAdd(w1, x1, a1);
            a1 = Avx512F.FusedMultiplyAdd(w2, x2, a1);
            p += pitch;
            Taps3(p, out x0, out x1, out x2);
            a0 = Avx512F.FusedMultiplyAdd(w6, x0, a0); a0 = Avx512F.FusedMultiplyAdd(w7, x1, a0);
            a0 = Avx512F.FusedMultiplyAdd(w8, x2, a0);
            a1 = Avx512F.FusedMultiplyAdd(w3, x0, a1); a1 = Avx512F.FusedMultiplyAdd(w4, x1, a1);
            a1 = Avx512F.FusedMultiplyAdd(w5, x2, a1);
            a2 = Avx512F.FusedMultiplyAdd(w0, x0, a2); a2 = Avx512F.FusedMultiplyAdd(w1, x1, a2);
            a2 = Avx512F.FusedMultiplyAdd(w2, x2, a2);
            p += pitch;
            Taps3(p, out x0, out x1, out x2);
            a1 = Avx512F.FusedMultiplyAdd(w6, x0, a1); a1 = Avx512F.FusedMultiplyAdd(w7, x1, a1);
            a1 = Avx512F.FusedMultiplyAdd(w8, x2, a1);
            a2 = Avx512F.FusedMultiplyAdd(w3, x0, a2); a2 = Avx512F.FusedMultiplyAdd(w4, x1, a2);
            a2 = Avx512F.FusedMultiplyAdd(w5, x2, a2);
            a3 = Avx512F.FusedMultiplyAdd(w0, x0, a3); a3 = Avx512F.FusedMultiplyAdd(w1, x1, a3);
            a3 = Avx512F.FusedMultiplyAdd(w2, x2, a3);
            p += pitch;
            Taps3(p, out x0, out x1, out x2);
            a2 = Avx512F.FusedMultiplyAdd(w6, x0, a2); a2 = Avx512F.FusedMultiplyAdd(w7, x1, a2);
            a2 = Avx512F.FusedMultiplyAdd(w8, x2, a2);
            a3 = Avx512F.FusedMultiplyAdd(w3, x0, a3); a3 = Avx512F.FusedMultiplyAdd(w4, x1, a3);
            a3 = Avx512F.FusedMultiplyAdd(w5, x2, a3);
            p += pitch;
            Taps3(p, out x0, out x1, out x2);
            a3 = Avx512F.FusedMultiplyAdd(w6, x0, a3); a3 = Avx512F.FusedMultiplyAdd(w7, x1, a3);
            a3 = Avx512F.FusedMultiplyAdd(w8, x2, a3);
            if (q + 16 <= ow || runOn)
            {
                a0.Store(dst + q);
                a1.Store(dst + ow + q);
                a2.Store(dst + 2 * ow + q);
            }
            else
            {
                StoreTail(a0, dst + q, ow - q);
                StoreTail(a1, dst + ow + q, ow - q);
                StoreTail(a2, dst + 2 * ow + q, ow - q);
            }
            if (q + 16 <= ow || (runOn && runOnLast)) a3.Store(dst + 3 * ow + q);
            else StoreTail(a3, dst + 3 * ow + q, ow - q);
        }
    }

    /// <summary>
    /// The last 8 columns of four output rows (from the six padded rows at <paramref name="p"/>, that column's place in
    /// the first) as two vectors, rows 0 and 1 in the first, rows 2 and 3 in the second: a tap row's vector holds padded
    /// row i's 8 taps in lanes 0–7 and row i + 1's in lanes 8–15 (<see cref="Row.Paired"/>), so each lane's chain is
    /// that of its own output, in tap order.
    /// </summary>
    private static void Avx512PairedTail4(float* p, nint pitch, in Taps taps, Vector512<float> b, float* dst, int ow)
    {
        Vector512<float> a01 = b, a23 = b;
        taps.Row0(ref a01, Row.Paired(p, pitch));
        taps.Row1(ref a01, Row.Paired(p + pitch, pitch));
        var r = Row.Paired(p + 2 * pitch, pitch);
        taps.Row2(ref a01, r); taps.Row0(ref a23, r);
        taps.Row1(ref a23, Row.Paired(p + 3 * pitch, pitch));
        taps.Row2(ref a23, Row.Paired(p + 4 * pitch, pitch));
        a01.GetLower().Store(dst);
        a01.GetUpper().Store(dst + ow);
        a23.GetLower().Store(dst + 2 * ow);
        a23.GetUpper().Store(dst + 3 * ow);
    }

    /// <summary>The three tap vectors of a padded row at <paramref name="p"/> (64-byte aligned, 32 floats readable):
    /// columns +0, +1, +2 from two aligned loads and <c>valignd</c>, not two loads across cache lines.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Taps3(float* p, out Vector512<float> x0, out Vector512<float> x1, out Vector512<float> x2)
    {
        var lo = Vector512.Load(p);
        var hi = Vector512.Load(p + 16);
        x0 = lo;
        x1 = Avx512F.AlignRight32(hi.AsUInt32(), lo.AsUInt32(), 1).AsSingle();
        x2 = Avx512F.AlignRight32(hi.AsUInt32(), lo.AsUInt32(), 2).AsSingle();
    }

    /// <summary>The first <paramref name="count"/> (&lt; 16) lanes of <paramref name="v"/>.</summary>
    private static void StoreTail(Vector512<float> v, float* dst, int count) =>
        Avx512F.MaskStore(dst, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle(), v);

    /// <summary>One plane per item; one instance per calling thread, reused.</summary>
    private sealed class Job : ParallelJob
    {
        private ConvOperands _ops;
        private bool _reluInput;
        private GemmIsa _isa;

        public void Set(in ConvOperands ops, bool reluInput, GemmIsa isa)
        {
            _ops = ops;
            _reluInput = reluInput;
            _isa = isa;
        }

        public override void Execute(int item) => Plane(_ops, _reluInput, _isa, item);
    }
}
