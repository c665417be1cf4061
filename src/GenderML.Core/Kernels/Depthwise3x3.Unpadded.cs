using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

internal static unsafe partial class Depthwise3x3
{
    /// <summary>Whether <see cref="UnpaddedRows"/> takes <paramref name="g"/> on <paramref name="isa"/>: AVX-512,
    /// stride 1, one column of padding each side ('same'), rows of at most 32 outputs (on wider rows the padded copy's
    /// path, four rows at a time, was as fast).</summary>
    private static bool Unpadded(in ConvGeometry g, GemmIsa isa) =>
        isa == GemmIsa.Avx512 && g.StrideHeight == 1 && g.PadLeft == 1 && g.PadRight == 1 && g.OutWidth == g.InWidth
        && g.OutWidth <= 32;

    /// <summary>
    /// <see cref="PlaneRows"/> without the padded copy (<see cref="Unpadded"/>): each tap row of a run of 16 outputs
    /// is a masked load straight from the input (lanes outside the row read as zero, rows outside the input are zero
    /// vectors), eight output rows at a time (four for the last when no more are left), eight independent accumulator
    /// chains per run (a 14- or 7-wide map has one run a row, where one 9-long chain would leave the FMA units
    /// waiting), each in tap order as the other paths, so the same bits.
    /// </summary>
    private static void UnpaddedRows(in ConvOperands ops, bool reluInput, int plane, int y0, int y1, float* dst)
    {
        var g = ops.G;
        int h = g.InHeight, w = g.InWidth, ow = g.OutWidth, c = plane % g.InChannels;
        float* x = ops.Input + (long)plane * h * w, k = ops.Weight + (long)c * 9;
        var lanes = Vector512<int>.Indices;
        var b = Vector512.Create(ops.Bias == null ? 0f : ops.Bias[c]);
        var taps = new Taps(k);
        long outPlane = (long)plane * g.OutHeight * ow;
        for (int y = y0; y < y1; y += 8)
        {
            int n = Math.Min(8, y1 - y), iy = y - g.PadTop;
            float* d = dst + (long)(y - y0) * ow;
            for (int q = 0; q < ow; q += 16)
            {
                // Tap column j of output lane l is input column q + l + j − 1.
                var col = lanes + Vector512.Create(q);
                var m0 = (Vector512.GreaterThan(col, Vector512<int>.Zero) & Vector512.LessThanOrEqual(col, Vector512.Create(w))).AsSingle();
                var m1 = Vector512.LessThan(col, Vector512.Create(w)).AsSingle();
                var m2 = Vector512.LessThan(col, Vector512.Create(w - 1)).AsSingle();
                var store = Vector512.LessThan(col, Vector512.Create(ow)).AsSingle();
                float* xq = x + q;
                // Padded row y + i is input row iy + i; output row t takes padded rows t, t + 1, t + 2.
                Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b;
                var r = new Row(xq, h, w, iy, m0, m1, m2, reluInput);
                taps.Row0(ref a0, r);
                r = new Row(xq, h, w, iy + 1, m0, m1, m2, reluInput);
                taps.Row1(ref a0, r); taps.Row0(ref a1, r);
                r = new Row(xq, h, w, iy + 2, m0, m1, m2, reluInput);
                taps.Row2(ref a0, r); taps.Row1(ref a1, r); taps.Row0(ref a2, r);
                r = new Row(xq, h, w, iy + 3, m0, m1, m2, reluInput);
                taps.Row2(ref a1, r); taps.Row1(ref a2, r); taps.Row0(ref a3, r);
                var r4 = new Row(xq, h, w, iy + 4, m0, m1, m2, reluInput);
                taps.Row2(ref a2, r4); taps.Row1(ref a3, r4);
                var r5 = new Row(xq, h, w, iy + 5, m0, m1, m2, reluInput);
                taps.Row2(ref a3, r5);
                Avx512F.MaskStore(d + q, store, a0);
                if (n > 1) Avx512F.MaskStore(d + ow + q, store, a1);
                if (n > 2) Avx512F.MaskStore(d + 2 * ow + q, store, a2);
                if (n > 3) Avx512F.MaskStore(d + 3 * ow + q, store, a3);
                if (n <= 4) continue;
                Vector512<float> a4 = b, a5 = b, a6 = b, a7 = b;
                taps.Row0(ref a4, r4);
                taps.Row1(ref a4, r5); taps.Row0(ref a5, r5);
                r = new Row(xq, h, w, iy + 6, m0, m1, m2, reluInput);
                taps.Row2(ref a4, r); taps.Row1(ref a5, r); taps.Row0(ref a6, r);
                r = new Row(xq, h, w, iy + 7, m0, m1, m2, reluInput);
                taps.Row2(ref a5, r); taps.Row1(ref a6, r); taps.Row0(ref a7, r);
                r = new Row(xq, h, w, iy + 8, m0, m1, m2, reluInput);
                taps.Row2(ref a6, r); taps.Row1(ref a7, r);
                r = new Row(xq, h, w, iy + 9, m0, m1, m2, reluInput);
                taps.Row2(ref a7, r);
                Avx512F.MaskStore(d + 4 * ow + q, store, a4);
                if (n > 5) Avx512F.MaskStore(d + 5 * ow + q, store, a5);
                if (n > 6) Avx512F.MaskStore(d + 6 * ow + q, store, a6);
                if (n > 7) Avx512F.MaskStore(d + 7 * ow + q, store, a7);
            }
            if (ops.Residual != null || ops.Relu)
                for (int t = 0; t < n; t++)
                    ConvEpilogue.Row(d + t * ow, ops.Residual == null ? null : ops.Residual + outPlane + (long)(y + t) * ow,
                        d + t * ow, 0f, hasBias: false, ops.Relu, ow);
        }
    }

    /// <summary>One input row's three tap vectors (columns shifted by −1, 0, +1), zero outside the input.</summary>
    private readonly struct Row
    {
        public readonly Vector512<float> X0, X1, X2;

        private Row(Vector512<float> x0, Vector512<float> x1, Vector512<float> x2) => (X0, X1, X2) = (x0, x1, x2);

        /// <summary>Two padded rows' taps of 8 outputs: lanes 0–7 columns +0, +1, +2 from <paramref name="p"/>, lanes
        /// 8–15 the same from the next row, <paramref name="pitch"/> floats on (with <paramref name="p"/> and the
        /// pitch 64-byte aligned, no load crosses a cache line).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Row Paired(float* p, nint pitch) =>
            new(Halves(p, p + pitch), Halves(p + 1, p + pitch + 1), Halves(p + 2, p + pitch + 2));

        /// <summary>8 floats from <paramref name="lo"/> in lanes 0–7, 8 from <paramref name="hi"/> in lanes 8–15.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Halves(float* lo, float* hi) =>
            Avx512F.InsertVector256(Vector256.Load(lo).ToVector512Unsafe(), Vector256.Load(hi), 1);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Row(float* x, int h, int w, int iy, Vector512<float> m0, Vector512<float> m1, Vector512<float> m2,
            bool relu)
        {
            if ((uint)iy >= (uint)h)
            {
                X0 = X1 = X2 = Vector512<float>.Zero;
                return;
            }
            float* src = x + (long)iy * w;
            // Masked-off lanes are not read (no fault before the first or past the last float).
            X0 = Avx512F.MaskLoad(src - 1, m0, Vector512<float>.Zero);
            X1 = Avx512F.MaskLoad(src, m1, Vector512<float>.Zero);
            X2 = Avx512F.MaskLoad(src + 1, m2, Vector512<float>.Zero);
            if (relu)
            {
                X0 = Vector512.Max(X0, Vector512<float>.Zero);
                X1 = Vector512.Max(X1, Vector512<float>.Zero);
                X2 = Vector512.Max(X2, Vector512<float>.Zero);
            }
        }
    }

    /// <summary>The nine weights broadcast; kernel row i of an output row's chain.</summary>
    private readonly struct Taps(float* k)
    {
        private readonly Vector512<float> _w0 = Vector512.Create(k[0]), _w1 = Vector512.Create(k[1]),
            _w2 = Vector512.Create(k[2]), _w3 = Vector512.Create(k[3]), _w4 = Vector512.Create(k[4]),
            _w5 = Vector512.Create(k[5]), _w6 = Vector512.Create(k[6]), _w7 = Vector512.Create(k[7]),
            _w8 = Vector512.Create(k[8]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row0(ref Vector512<float> a, in Row r)
        {
            a = Avx512F.FusedMultiplyAdd(_w0, r.X0, a);
            a = Avx512F.FusedMultiplyAdd(_w1, r.X1, a);
            a = Avx512F.FusedMultiplyAdd(_w2, r.X2, a);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row1(ref Vector512<float> a, in Row r)
        {
            a = Avx512F.FusedMultiplyAdd(_w3, r.X0, a);
            a = Avx512F.FusedMultiplyAdd(_w4, r.X1, a);
            a = Avx512F.FusedMultiplyAdd(_w5, r.X2, a);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row2(ref Vector512<float> a, in Row r)
        {
            a = Avx512F.FusedMultiplyAdd(_w6, r.X0, a);
            a = Avx512F.FusedMultiplyAdd(_w7, r.X1, a);
            a = Avx512F.FusedMultiplyAdd(_w8, r.X2, a);
        }
    }
}
