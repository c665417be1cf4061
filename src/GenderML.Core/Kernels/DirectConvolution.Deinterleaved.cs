using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The stride-2 convolution with 3-wide taps read straight from the image, without parity planes (AVX-512): for 16
/// output columns x … x + 15 of a row, taps j = 0, 1 of input row r are the even and odd floats of the 32 at
/// <c>row r + 2x</c> (two loads and a two-source permute each), tap j = 2 the even ones moved down a lane with the
/// float at <c>2x + 32</c> in the last (<c>valignd</c>). Output rows are cut into 16-column vectors; when OW is 8 more
/// than a multiple of 16, the last 8 columns of two rows share one vector (its low and high 16 input floats come from
/// the two rows, so the same permute applies; its tap 2 lane 7 is then the right padding).
/// Blocks are 8 output channels × two such vectors, stored in place through full or half-vector stores.
/// </summary>
/// <remarks>
/// The same taps in the same order as the parity-plane blocks (one accumulator chain over (c, i, j), zeros where the
/// padding is), so the same bits. Rows whose taps reach the padding above or below, or the image's last row, read a
/// zero-padded copy of their input rows; the others read the image in place, where the loads run at most one float
/// past a row's end (into the next row, which exists) and that column, when it is the right padding (2·OW = W, tap 2
/// of the last output column), is zeroed by a mask.
/// </remarks>
internal static unsafe partial class DirectConvolution
{
    /// <summary>Whether <paramref name="g"/>'s forward pass on <paramref name="isa"/> runs on the deinterleaving
    /// blocks: stride 2, 3-wide taps, no left padding, whole blocks of 8 output channels, OW a multiple of 16 with
    /// 2·OW ≤ W (so only tap 2 of the last column can fall right of the image), or 8 more with 2·OW = W.</summary>
    internal static bool TakesDeinterleaved(in ConvGeometry g, GemmIsa isa) =>
        isa == GemmIsa.Avx512 && g.StrideHeight == 2 && g.StrideWidth == 2 && g.KernelWidth == 3 && g.PadLeft == 0
        && g.OutChannels % 8 == 0 && g.OutWidth > 0
        && (g.OutWidth % 16 == 0 ? 2 * g.OutWidth <= g.InWidth
            : g.OutWidth % 8 == 0 && 2 * g.OutWidth == g.InWidth);

    /// <summary>Output rows [<paramref name="y0"/>, <paramref name="y1"/>) of image <paramref name="n"/>.</summary>
    private static void DeinterleavedBand(in ConvOperands ops, float* a, int n, int y0, int y1)
    {
        var g = ops.G;
        int h = g.InHeight, w = g.InWidth, pt = g.PadTop, kh = g.KernelHeight;
        float* image = ops.Input + n * (long)g.InChannels * h * w;
        // In place: rows y with 2y − pt ≥ 0 and 2y − pt + KH − 1 ≤ H − 2.
        int top = Math.Clamp((pt + 1) / 2, y0, y1), bottom = Math.Clamp((h + pt - kh + 1) / 2, top, y1);
        if (top > y0)
            DeinterleavedRegion(ops, a, n, y0, top, PaddedRows(g, image, y0, top), (long)RowsRead(g, y0, top) * w,
                2 * y0 - pt);
        if (bottom > top) DeinterleavedRegion(ops, a, n, top, bottom, image, (long)h * w, 0);
        if (y1 > bottom)
            DeinterleavedRegion(ops, a, n, bottom, y1, PaddedRows(g, image, bottom, y1),
                (long)RowsRead(g, bottom, y1) * w, 2 * bottom - pt);
    }

    /// <summary>Input rows the output rows [<paramref name="ya"/>, <paramref name="yb"/>) read.</summary>
    private static int RowsRead(in ConvGeometry g, int ya, int yb) => 2 * (yb - ya - 1) + g.KernelHeight;

    /// <summary>Input rows 2·<paramref name="ya"/> − pt … of every channel, zero outside the image, one channel
    /// after another in scratch slot 6, then <see cref="PaddedChunk.Slack"/> zeros.</summary>
    private static float* PaddedRows(in ConvGeometry g, float* image, int ya, int yb)
    {
        int h = g.InHeight, w = g.InWidth, rows = RowsRead(g, ya, yb), first = 2 * ya - g.PadTop;
        long total = (long)g.InChannels * rows * w;
        float* d = NativeScratch.Get(PaddedSlot, total + PaddedChunk.Slack);
        for (int c = 0; c < g.InChannels; c++)
        for (int r = 0; r < rows; r++)
        {
            var row = new Span<float>(d + ((long)c * rows + r) * w, w);
            int iy = first + r;
            if (iy < 0 || iy >= h) row.Clear();
            else new ReadOnlySpan<float>(image + ((long)c * h + iy) * w, w).CopyTo(row);
        }
        new Span<float>(d + total, PaddedChunk.Slack).Clear();
        return d;
    }

    /// <summary>
    /// Output rows [<paramref name="ya"/>, <paramref name="yb"/>) of image <paramref name="n"/>, reading input row r of
    /// channel c at <c>src + c·channelStride + (r − rowOrigin)·W</c>.
    /// </summary>
    private static void DeinterleavedRegion(in ConvOperands ops, float* a, int n, int ya, int yb, float* src,
        long channelStride, int rowOrigin)
    {
        var g = ops.G;
        int w = g.InWidth, ow = g.OutWidth, oc = g.OutChannels, kh = g.KernelHeight, rows = g.InChannels * kh;
        nint* rowOffsets = stackalloc nint[rows];
        for (int c = 0; c < g.InChannels; c++)
        for (int i = 0; i < kh; i++)
            rowOffsets[c * kh + i] = (nint)(c * channelStride + (long)i * w);
        long ohw = (long)g.OutHeight * ow;
        float* output = ops.Output + n * oc * ohw;
        int full = ow / 16;
        bool paired = ow % 16 != 0, rightPad = 2 * ow == w;
        int groupRows = paired ? 2 : 1, perGroup = paired ? 2 * full + 1 : full;
        // Tap 2 of the last column right of the image: lane 15 of a row's last full vector, lanes 7 and 15 of a
        // shared one.
        Vector512<int> lanes = Vector512<int>.Indices;
        Vector512<float> all = Vector512<float>.AllBitsSet;
        Vector512<float> lastFull = rightPad ? Vector512.LessThan(lanes, Vector512.Create(15)).AsSingle() : all;
        Vector512<float> lastShared = rightPad
            ? ~Vector512.Equals(lanes & Vector512.Create(7), Vector512.Create(7)).AsSingle() : all;
        int vectors = (yb - ya + groupRows - 1) / groupRows * perGroup;
        float* rowOf(int y) => src + (long)(2 * y - g.PadTop - rowOrigin) * w;
        var pending = default(VectorLanes);
        bool hasPending = false;
        for (int v = 0; v < vectors; v++)
        {
            int group = v / perGroup, slot = v % perGroup, y = ya + group * groupRows;
            VectorLanes d;
            if (slot < 2 * full)
            {
                if (slot >= full && ++y >= yb) continue;
                int x = 16 * (slot < full ? slot : slot - full);
                float* lo = rowOf(y) + 2 * x;
                nint outLo = (nint)((long)y * ow + x);
                d = new VectorLanes(lo, lo + 16, outLo, outLo + 8, x + 16 == ow ? lastFull : all);
            }
            else
            {
                // The last 8 columns of rows y and y + 1 (y + 1 may be past the region: its lanes are not stored).
                bool second = y + 1 < yb;
                float* lo = rowOf(y) + 2 * (ow - 8);
                nint outLo = (nint)((long)y * ow + ow - 8);
                d = new VectorLanes(lo, second ? rowOf(y + 1) + 2 * (ow - 8) : lo, outLo, second ? outLo + ow : outLo,
                    lastShared);
            }
            if (!hasPending)
            {
                pending = d;
                hasPending = true;
                continue;
            }
            Blocks(ops, rows, a, output, ohw, pending, d, rowOffsets);
            hasPending = false;
        }
        if (hasPending)
        {
            // An odd vector: computed twice, its second copy stored over the first (the same values).
            Blocks(ops, rows, a, output, ohw, pending, pending, rowOffsets);
        }
    }

    /// <summary>Every 8-channel block of the two vectors' columns.</summary>
    private static void Blocks(in ConvOperands ops, int rows, float* a, float* output, long ohw, in VectorLanes d0,
        in VectorLanes d1, nint* rowOffsets)
    {
        var store = new SplitRowStore(d0, d1);
        int k = rows * 3;
        for (int ir = 0; ir < ops.G.OutChannels; ir += 8)
            DeinterleavedBlock(rows, a + (long)ir * k, d0, d1, rowOffsets, output + ir * ohw, (nint)ohw,
                ops.Bias == null ? null : ops.Bias + ir, ops.Relu, store);
    }

    /// <summary>
    /// 8 output channels × the 32 columns of <paramref name="d0"/> and <paramref name="d1"/>: per tap row (c, i) four
    /// loads, then per vector the even floats of the 32 at the row (tap 0), the odd ones (tap 1), the even ones a
    /// lane on with the next float broadcast into lane 15 (tap 2, lanes right of the image zeroed); eight broadcasts
    /// and sixteen FMAs per tap, in (c, i, j) order as the parity-plane blocks.
    /// </summary>
    private static void DeinterleavedBlock(int rows, float* a, in VectorLanes d0, in VectorLanes d1, nint* rowOffsets,
        float* output, nint channel, float* bias, bool relu, in SplitRowStore store)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<int> evens = PermuteIndices.Evens, odds = PermuteIndices.Odds;
        Vector512<float> mask0 = d0.Tap2Mask, mask1 = d1.Tap2Mask;
        float* lo0 = d0.Lo, hi0 = d0.Hi, lo1 = d1.Lo, hi1 = d1.Hi;
        for (int r = 0; r < rows; r++)
        {
            nint o = rowOffsets[r];
            Vector512<float> l0 = Vector512.Load(lo0 + o), h0 = Vector512.Load(hi0 + o);
            Vector512<float> l1 = Vector512.Load(lo1 + o), h1 = Vector512.Load(hi1 + o);
            Vector512<float> e0 = Avx512F.PermuteVar16x32x2(l0, evens, h0), w;
            Vector512<float> e1 = Avx512F.PermuteVar16x32x2(l1, evens, h1), b0 = e0, b1 = e1;
            w = Vector512.Create(a[0]); c00 = Fma(w, b0, c00); c01 = Fma(w, b1, c01);
            w = Vector512.Create(a[1]); c10 = Fma(w, b0, c10); c11 = Fma(w, b1, c11);
            w = Vector512.Create(a[2]); c20 = Fma(w, b0, c20); c21 = Fma(w, b1, c21);
            w = Vector512.Create(a[3]); c30 = Fma(w, b0, c30); c31 = Fma(w, b1, c31);
            w = Vector512.Create(a[4]); c40 = Fma(w, b0, c40); c41 = Fma(w, b1, c41);
            w = Vector512.Create(a[5]); c50 = Fma(w, b0, c50); c51 = Fma(w, b1, c51);
            w = Vector512.Create(a[6]); c60 = Fma(w, b0, c60); c61 = Fma(w, b1, c61);
            w = Vector512.Create(a[7]); c70 = Fma(w, b0, c70); c71 = Fma(w, b1, c71);
            b0 = Avx512F.PermuteVar16x32x2(l0, odds, h0);
            b1 = Avx512F.PermuteVar16x32x2(l1, odds, h1);
            w = Vector512.Create(a[8]); c00 = Fma(w, b0, c00); c01 = Fma(w, b1, c01);
            w = Vector512.Create(a[9]); c10 = Fma(w, b0, c10); c11 = Fma(w, b1, c11);
            w = Vector512.Create(a[10]); c20 = Fma(w, b0, c20); c21 = Fma(w, b1, c21);
            w = Vector512.Create(a[11]); c30 = Fma(w, b0, c30); c31 = Fma(w, b1, c31);
            w = Vector512.Create(a[12]); c40 = Fma(w, b0, c40); c41 = Fma(w, b1, c41);
            w = Vector512.Create(a[13]); c50 = Fma(w, b0, c50); c51 = Fma(w, b1, c51);
            w = Vector512.Create(a[14]); c60 = Fma(w, b0, c60); c61 = Fma(w, b1, c61);
            w = Vector512.Create(a[15]); c70 = Fma(w, b0, c70); c71 = Fma(w, b1, c71);
            b0 = NextLane(e0, hi0[o + 16]) & mask0;
            b1 = NextLane(e1, hi1[o + 16]) & mask1;
            w = Vector512.Create(a[16]); c00 = Fma(w, b0, c00); c01 = Fma(w, b1, c01);
            w = Vector512.Create(a[17]); c10 = Fma(w, b0, c10); c11 = Fma(w, b1, c11);
            w = Vector512.Create(a[18]); c20 = Fma(w, b0, c20); c21 = Fma(w, b1, c21);
            w = Vector512.Create(a[19]); c30 = Fma(w, b0, c30); c31 = Fma(w, b1, c31);
            w = Vector512.Create(a[20]); c40 = Fma(w, b0, c40); c41 = Fma(w, b1, c41);
            w = Vector512.Create(a[21]); c50 = Fma(w, b0, c50); c51 = Fma(w, b1, c51);
            w = Vector512.Create(a[22]); c60 = Fma(w, b0, c60); c61 = Fma(w, b1, c61);
            w = Vector512.Create(a[23]); c70 = Fma(w, b0, c70); c71 = Fma(w, b1, c71);
            a += 24;
        }
        store.Store(c00, c01, output, 0, bias, null, relu);
        store.Store(c10, c11, output + channel, 1, bias, null, relu);
        store.Store(c20, c21, output + 2 * channel, 2, bias, null, relu);
        store.Store(c30, c31, output + 3 * channel, 3, bias, null, relu);
        store.Store(c40, c41, output + 4 * channel, 4, bias, null, relu);
        store.Store(c50, c51, output + 5 * channel, 5, bias, null, relu);
        store.Store(c60, c61, output + 6 * channel, 6, bias, null, relu);
        store.Store(c70, c71, output + 7 * channel, 7, bias, null, relu);
    }

    /// <summary>Lanes 1–15 of <paramref name="e"/>, then <paramref name="next"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NextLane(Vector512<float> e, float next) =>
        Avx512F.AlignRight32(Vector512.Create(next).AsInt32(), e.AsInt32(), 1).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.FusedMultiplyAdd(a, b, c);

    /// <summary>One vector of 16 output columns: its input floats at <see cref="Lo"/> (low 16) and <see cref="Hi"/>
    /// (high 16) plus each tap row's offset, <c>Hi + 16</c> the float after them; lanes 0–7 stored at
    /// <see cref="OutLo"/>, 8–15 at <see cref="OutHi"/> (floats from the output channel's start; contiguous when
    /// <c>OutHi = OutLo + 8</c>, <c>OutHi = OutLo</c> when the high lanes are not wanted); <see cref="Tap2Mask"/> keeps
    /// tap 2's lanes inside the image.</summary>
    private readonly struct VectorLanes(float* lo, float* hi, nint outLo, nint outHi, Vector512<float> tap2Mask)
    {
        public readonly float* Lo = lo, Hi = hi;
        public readonly nint OutLo = outLo, OutHi = outHi;
        public readonly Vector512<float> Tap2Mask = tap2Mask;
    }

    /// <summary>A row of an 8×32 block whose two 16-column vectors are each stored whole or as two halves (see
    /// <see cref="VectorLanes"/>), after <c>act(Σ + bias)</c> in <see cref="ConvEpilogue.Row"/>'s order (no residual).
    /// </summary>
    private readonly struct SplitRowStore(in VectorLanes d0, in VectorLanes d1) : DirectMicroKernels.IBlockRowStore
    {
        private readonly nint lo0 = d0.OutLo, hi0 = d0.OutHi, lo1 = d1.OutLo, hi1 = d1.OutHi;
        private readonly bool whole0 = d0.OutHi == d0.OutLo + 8, whole1 = d1.OutHi == d1.OutLo + 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector512<float> v0, Vector512<float> v1, float* c, int row, float* bias, float* residual,
            bool relu)
        {
            if (bias != null)
            {
                var b = Vector512.Create(bias[row]);
                v0 += b;
                v1 += b;
            }
            if (relu)
            {
                v0 = Vector512.Max(v0, Vector512<float>.Zero);
                v1 = Vector512.Max(v1, Vector512<float>.Zero);
            }
            if (whole0) v0.Store(c + lo0);
            else
            {
                // The high lanes first: with hi = lo the low ones stay.
                v0.GetUpper().Store(c + hi0);
                v0.GetLower().Store(c + lo0);
            }
            if (whole1) v1.Store(c + lo1);
            else
            {
                v1.GetUpper().Store(c + hi1);
                v1.GetLower().Store(c + lo1);
            }
        }
    }
}
