using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Ops;

/// <summary>
/// Max pooling with 2×2 or 3×3 windows, stride 1 or 2, any padding smaller than the window, on AVX-512: for each output
/// row, the element-wise maximum of the window's input rows goes into a row buffer bordered by −∞ (the padding, which
/// never wins); then 16 outputs at a time are the maximum of the window's K shifted loads (stride 1), or of the even and
/// odd lanes of two pairs of loads, split by permutes (stride 2). Exact, so equal to
/// <see cref="Pooling.MaxForwardReference"/> (the naive twin) bit for bit. A residual shaped like the output may be
/// added to each maximum as it is stored (<c>max + residual</c>, the sum of a separate add pass).
/// </summary>
internal static unsafe class MaxPoolSmall
{

    /// <summary>Whether this kernel takes <paramref name="g"/> on this machine.</summary>
    public static bool Handles(in PoolGeometry g) =>
        Avx512F.IsSupported && (g.Kernel == 2 || g.Kernel == 3) && (g.Stride == 1 || g.Stride == 2) && g.InWidth <= 4096;

    /// <summary>Writes each window's maximum, plus <paramref name="residual"/>'s value when that is not empty (shaped
    /// like the output), for planes [start, end).</summary>
    public static void Forward(in PoolGeometry g, ReadOnlySpan<float> input, Span<float> output, int start, int end,
        ReadOnlySpan<float> residual = default)
    {
        fixed (float* src = input, dst = output, r = residual)
            Forward(g, src, dst, (long)g.OutHeight * g.OutWidth, start, end, residual.IsEmpty ? null : r);
    }

    /// <summary>Planes [start, end) from <paramref name="src0"/> (planes of H×W) to <paramref name="dst0"/>, whose
    /// planes are <paramref name="dstPlane"/> floats apart; <paramref name="residual0"/> (null for none) is laid out as
    /// the output and added to it.</summary>
    public static void Forward(in PoolGeometry g, float* src0, float* dst0, long dstPlane, int start, int end,
        float* residual0 = null)
    {
        int h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth, k = g.Kernel, s = g.Stride;
        if (k == 3 && s == 2 && g.PadTop == 0 && g.PadLeft == 0)
        {
            Forward3x3Stride2(g, src0, dst0, dstPlane, start, end, residual0);
            return;
        }
        // The row buffer: PadLeft −∞, the row, then −∞ for every read past it (two 16-lane loads beyond the last run).
        int length = g.PadLeft + w + 2 * 16 + 16 + 2;
        float* row = stackalloc float[length];
        new Span<float>(row, length).Fill(float.NegativeInfinity);
        float* mid = row + g.PadLeft;
        // Output rows may run on into the next row (written after them) when planes are packed; never the last one.
        bool runOn = dstPlane == (long)oh * ow && ((ow + 15) & ~15) - ow <= ow;
        for (int p = start; p < end; p++)
            {
                float* src = src0 + (long)p * h * w, dst = dst0 + p * dstPlane;
                float* res = residual0 == null ? null : residual0 + p * dstPlane;
                for (int oy = 0; oy < oh; oy++, dst += ow, res += residual0 == null ? 0 : ow)
                {
                    int y0 = Math.Max(0, oy * s - g.PadTop), y1 = Math.Min(h, oy * s - g.PadTop + k);
                    // A row may be read a vector past its end when 16 more floats of these planes follow it; what
                    // that writes past the row in the buffer is set back to −∞.
                    RowMax(src + (long)y0 * w, w, y1 - y0, mid);
                    for (int x = 0; x < ow; x += 16)
                    {
                        Vector512<float> m;
                        // Only loads at the row buffer's store addresses (shifted windows come from valignd), so
                        // every load is forwarded from the store that wrote it.
                        if (s == 1)
                        {
                            Vector512<float> a = Vector512.Load(row + x), n = Vector512.Load(row + x + 16);
                            m = Vector512.Max(a, Shift1(n, a));
                            if (k == 3) m = Vector512.Max(m, Shift2(n, a));
                        }
                        else
                        {
                            Vector512<float> a = Vector512.Load(row + 2 * x), b = Vector512.Load(row + 2 * x + 16);
                            m = Vector512.Max(Avx512F.PermuteVar16x32x2(a, PermuteIndices.Evens, b), Avx512F.PermuteVar16x32x2(a, PermuteIndices.Odds, b));
                            if (k == 3)
                            {
                                var n = Vector512.Load(row + 2 * x + 32);
                                m = Vector512.Max(m, Avx512F.PermuteVar16x32x2(Shift2(b, a), PermuteIndices.Evens, Shift2(n, b)));
                            }
                        }
                        if (x + 16 <= ow || (runOn && (oy < oh - 1 || p < end - 1))) Store(m, dst, res, x);
                        else Store(m, dst, res, x, FirstLanes(ow - x));
                    }
                }
            }
    }

    /// <summary>
    /// 3×3, stride 2, no padding above or left (TensorFlow's 'same' on even sizes pads below and right only): the
    /// column maxima of the window's rows go straight into registers, 16 columns at a time (lanes past the row −∞, as
    /// the padding), each vector used by two runs of 16 outputs; no row buffer.
    /// </summary>
    private static void Forward3x3Stride2(in PoolGeometry g, float* src0, float* dst0, long dstPlane, int start, int end,
        float* residual0)
    {
        int h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth;
        if (ow <= 7)
        {
            Forward3x3Stride2Pairs(g, src0, dst0, dstPlane, start, end, residual0);
            return;
        }
        var tail = FirstLanes(ow & 15);
        for (int p = start; p < end; p++)
        {
            float* src = src0 + (long)p * h * w, dst = dst0 + p * dstPlane;
            float* res = residual0 == null ? null : residual0 + p * dstPlane;
            for (int oy = 0; oy < oh; oy++, dst += ow, res += residual0 == null ? 0 : ow)
            {
                int y0 = 2 * oy, rows = Math.Min(h, y0 + 3) - y0;
                float* r0 = src + (long)y0 * w;
                float* r1 = rows > 1 ? r0 + w : r0;
                float* r2 = rows > 2 ? r0 + 2 * w : r1;
                var a = ColumnMax(r0, r1, r2, 0, w);
                for (int x = 0; x < ow; x += 16)
                {
                    var b = ColumnMax(r0, r1, r2, 2 * x + 16, w);
                    var n = ColumnMax(r0, r1, r2, 2 * x + 32, w);
                    var m = Vector512.Max(Avx512F.PermuteVar16x32x2(a, PermuteIndices.Evens, b), Avx512F.PermuteVar16x32x2(a, PermuteIndices.Odds, b));
                    m = Vector512.Max(m, Avx512F.PermuteVar16x32x2(Shift2(b, a), PermuteIndices.Evens, Shift2(n, b)));
                    if (x + 16 <= ow) Store(m, dst, res, x);
                    else Store(m, dst, res, x, tail);
                    a = n;
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Forward3x3Stride2"/> for at most 7 outputs a row (rows of at most 16 floats): two output rows a
    /// vector — the column maxima of each row's window in one register, −∞ past the row, and each of the three window
    /// columns taken from both registers by one permute — stored as one run (the two rows are adjacent in the output).
    /// </summary>
    private static void Forward3x3Stride2Pairs(in PoolGeometry g, float* src0, float* dst0, long dstPlane, int start, int end,
        float* residual0)
    {
        int h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth;
        var lanes = Vector512<int>.Indices;
        // Lane j < OW: column 2j of the first register; lane OW + j: column 2j of the second (index 16 + 2j).
        var second = Vector512.GreaterThanOrEqual(lanes, Vector512.Create(ow));
        var even = (lanes * 2) + (second & Vector512.Create(16 - 2 * ow));
        var odd = even + Vector512<int>.One;
        var next = even + Vector512.Create(2);
        var inRow = FirstLanes(w);
        var low = Vector512.Create(float.NegativeInfinity);
        var pairMask = FirstLanes(2 * ow);
        var oneMask = FirstLanes(ow);
        for (int p = start; p < end; p++)
        {
            float* src = src0 + (long)p * h * w, dst = dst0 + p * dstPlane;
            float* res = residual0 == null ? null : residual0 + p * dstPlane;
            for (int oy = 0; oy < oh; oy += 2, dst += 2 * ow, res += residual0 == null ? 0 : 2 * ow)
            {
                var u = WindowMax(src, h, w, 2 * oy, inRow, low);
                bool both = oy + 1 < oh;
                var v = both ? WindowMax(src, h, w, 2 * oy + 2, inRow, low) : low;
                var m = Vector512.Max(Avx512F.PermuteVar16x32x2(u, even, v), Avx512F.PermuteVar16x32x2(u, odd, v));
                m = Vector512.Max(m, Avx512F.PermuteVar16x32x2(u, next, v));
                Store(m, dst, res, 0, both ? pairMask : oneMask);
            }
        }
    }

    /// <summary>The column maxima of the window rows from <paramref name="y0"/> (up to three, within the plane) of a
    /// plane of rows of at most 16 floats, −∞ past the row.</summary>
    private static Vector512<float> WindowMax(float* plane, int h, int w, int y0, Vector512<float> inRow,
        Vector512<float> low)
    {
        float* r = plane + (long)y0 * w;
        var m = Avx512F.MaskLoad(r, inRow, low);
        if (y0 + 1 < h) m = Vector512.Max(m, Avx512F.MaskLoad(r + w, inRow, low));
        if (y0 + 2 < h) m = Vector512.Max(m, Avx512F.MaskLoad(r + 2 * w, inRow, low));
        return m;
    }

    /// <summary>The maximum of three rows at columns [i, i + 16), −∞ in lanes at or past <paramref name="w"/>.</summary>
    private static Vector512<float> ColumnMax(float* r0, float* r1, float* r2, int i, int w)
    {
        if (i + 16 <= w)
            return Vector512.Max(Vector512.Max(Vector512.Load(r0 + i), Vector512.Load(r1 + i)), Vector512.Load(r2 + i));
        var low = Vector512.Create(float.NegativeInfinity);
        if (i >= w) return low;
        var mask = FirstLanes(w - i);
        return Vector512.Max(Vector512.Max(Avx512F.MaskLoad(r0 + i, mask, low), Avx512F.MaskLoad(r1 + i, mask, low)),
            Avx512F.MaskLoad(r2 + i, mask, low));
    }

    /// <summary>
    /// <c>dst[i] = max over the <paramref name="rows"/> rows from <paramref name="src"/> of row[i]</c> for i &lt; w, the
    /// last run masked (nothing read past the row), −∞ in its lanes past w.
    /// </summary>
    private static void RowMax(float* src, int w, int rows, float* dst)
    {
        int i = 0;
        for (; i <= w - 16; i += 16)
        {
            var m = Vector512.Load(src + i);
            for (int r = 1; r < rows; r++) m = Vector512.Max(m, Vector512.Load(src + r * w + i));
            m.Store(dst + i);
        }
        if (i < w)
        {
            var mask = FirstLanes(w - i);
            var low = Vector512.Create(float.NegativeInfinity);
            var m = Avx512F.MaskLoad(src + i, mask, low);
            for (int r = 1; r < rows; r++) m = Vector512.Max(m, Avx512F.MaskLoad(src + r * w + i, mask, low));
            m.Store(dst + i);
        }
    }

    /// <summary><c>dst[at + i] = m[i] (+ res[at + i] when <paramref name="res"/> is not null)</c> for the 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> m, float* dst, float* res, int at)
    {
        if (res != null) m += Vector512.Load(res + at);
        m.Store(dst + at);
    }

    /// <summary><see cref="Store(Vector512{float}, float*, float*, int)"/> for the lanes of <paramref name="mask"/>
    /// only; nothing else read or written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> m, float* dst, float* res, int at, Vector512<float> mask)
    {
        if (res != null) m += Avx512F.MaskLoad(res + at, mask, Vector512<float>.Zero);
        Avx512F.MaskStore(dst + at, mask, m);
    }

    /// <summary>The 16 floats one past <paramref name="low"/>'s first, <paramref name="high"/> following it.</summary>
    private static Vector512<float> Shift1(Vector512<float> high, Vector512<float> low) =>
        Avx512F.AlignRight32(high.AsUInt32(), low.AsUInt32(), 1).AsSingle();

    /// <summary>The 16 floats two past <paramref name="low"/>'s first, <paramref name="high"/> following it.</summary>
    private static Vector512<float> Shift2(Vector512<float> high, Vector512<float> low) =>
        Avx512F.AlignRight32(high.AsUInt32(), low.AsUInt32(), 2).AsSingle();

    /// <summary>A mask of the first <paramref name="count"/> lanes.</summary>
    private static Vector512<float> FirstLanes(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
}
