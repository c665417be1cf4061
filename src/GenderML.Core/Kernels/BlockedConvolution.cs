using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// A direct convolution (square kernel, any stride, one group) between <see cref="ChannelBlocks"/> maps whose rows and
/// blocks may be apart by more than their pixels (a map stored inside a border of zeros: padding costs no test). A
/// register block is 64 output channels (four vectors of weights a tap and input channel) × 6 output pixels, or 32
/// channels × 12 pixels for 32-channel layers; each input value is broadcast from its pixel's cache line. The output
/// pixels run in row-major order across row ends (a block's pixels may sit on two rows), so a row's width wastes no
/// lanes; the last block of a range repeats its last pixel. Bias, residual add and ReLU are applied in registers
/// before the only store.
/// </summary>
/// <remarks>
/// Each value is one FMA chain over (input channel block, i, j, lane), then bias, residual, ReLU: the order differs
/// from <see cref="ConvolutionReference"/>'s (c, i, j), so values differ from the plain-layout kernels' by rounding.
/// The input channels run in ranges whose weights stay in L1 (<see cref="RangeBytes"/>), partial sums waiting in the
/// output between ranges.
/// </remarks>
internal static unsafe class BlockedConvolution
{
    /// <summary>Bytes of one range's weights for one group of output channels.</summary>
    private const int RangeBytes = 40 * 1024;

    private const int L = ChannelBlocks.Lanes;

    /// <summary>How far ahead of the weights read the weights are prefetched (8 KB): where a map has few pixels the
    /// weights stream from memory, read once.</summary>
    private const int PrefetchFloats = 2048;

    /// <summary>Whether this kernel takes a <paramref name="kernel"/>² convolution at <paramref name="stride"/>,
    /// <paramref name="inChannels"/> → <paramref name="outChannels"/>, <paramref name="outWidth"/> output pixels a row:
    /// whole channel blocks in; out a multiple of 64, or 32 at stride 1 on rows of 12 or more pixels.</summary>
    public static bool Handles(int inChannels, int outChannels, int kernel, int stride, int outWidth) =>
        ChannelBlocks.Fits(inChannels) && kernel is > 0 and <= 7 && stride > 0 && outWidth > 0
        && (outChannels > 0 && outChannels % 64 == 0 || outChannels == 32 && stride == 1 && outWidth >= 12);

    /// <summary>Output channels per register block for <paramref name="outChannels"/>.</summary>
    private static int GroupOf(int outChannels) => outChannels % 64 == 0 ? 64 : 32;

    /// <summary>The output channel groups <see cref="Run"/> splits the channels into.</summary>
    public static int Groups(int outChannels) => outChannels / GroupOf(outChannels);

    /// <summary>The pixel count a <see cref="Run"/> range should be a multiple of (the last range may end anywhere):
    /// a register block's pixels, or a whole row for the 32-channel blocks.</summary>
    public static int PixelStep(int outChannels, int outWidth) => GroupOf(outChannels) == 64 ? 6 : outWidth;

    /// <summary>Floats of the packed weights.</summary>
    public static int PackedLength(int inChannels, int outChannels, int kernel) =>
        inChannels * outChannels * kernel * kernel;

    /// <summary>
    /// <c>a[g][b][i][j][l][o%G] = w[o][16b + l][i][j]</c> (OIHW weights, G the group's channels, g = o/G): per group,
    /// each input channel block's taps in the kernel's order, each tap's 16 channels' G weights as vectors.
    /// </summary>
    public static void PackWeights(ReadOnlySpan<float> weight, int inChannels, int outChannels, int kernel,
        Span<float> packed)
    {
        int group = GroupOf(outChannels), kk = kernel * kernel;
        for (int o = 0; o < outChannels; o++)
        for (int c = 0; c < inChannels; c++)
        for (int t = 0; t < kk; t++)
            packed[((((o / group) * (inChannels / L) + c / L) * kk + t) * L + c % L) * group + o % group] =
                weight[(o * inChannels + c) * kk + t];
    }

    /// <summary>
    /// Output pixels [<paramref name="p0"/>, <paramref name="p1"/>) of the output channel groups
    /// [<paramref name="g0"/>, <paramref name="g1"/>) of <c>y = act(conv(x) + bias + residual)</c>, the pixels
    /// numbered image by image, row-major within an <paramref name="outHeight"/> × <paramref name="outWidth"/> image
    /// (a range of whole rows for 32 output channels). Output pixel (n, oy, ox) reads its window from
    /// <c>x.Origin + n·x.ImageStride + s·(oy·x.RowStride + ox·16)</c> (its top-left tap, border included) and is
    /// written at <c>y.Origin + n·y.ImageStride + oy·y.RowStride + ox·16</c>; the residual
    /// (<see cref="BlockedView.None"/> for none) has the output's rows and blocks, and its first
    /// <paramref name="residualBlocks"/> channel blocks (zero beyond).
    /// </summary>
    public static void Run(int inChannels, int outChannels, int kernel, int stride, BlockedView x, float* a,
        float* bias, BlockedView residual, int residualBlocks, bool relu, BlockedView y, int outHeight, int outWidth,
        int g0, int g1, int p0, int p1)
    {
        if (p1 <= p0) return;
        if (residual.Origin != null && (residual.BlockStride != y.BlockStride || residual.RowStride != y.RowStride))
            throw new ArgumentException("the residual is not laid out as the output");
        int group = GroupOf(outChannels), kk = kernel * kernel, blocks = inChannels / L, vectors = group / L;
        int imagePixels = outHeight * outWidth;
        // Channel-block ranges whose weights stay in L1; the 32-channel blocks take the whole window in one pass
        // (a row's last block overlaps the one before it).
        int range = group == 32 ? blocks : Math.Max(1, RangeBytes / (kk * L * group * sizeof(float)));
        int ranges = (blocks + range - 1) / range;
        range = (blocks + ranges - 1) / ranges;
        long* taps = stackalloc long[range * kk];
        for (int b = 0; b < range; b++)
        for (int i = 0; i < kernel; i++)
        for (int j = 0; j < kernel; j++)
            taps[(b * kernel + i) * kernel + j] = b * x.BlockStride + i * x.RowStride + j * L;
        long* xs = stackalloc long[6];
        long* ys = stackalloc long[6];
        long* rs = stackalloc long[6];
        bool hasResidual = residual.Origin != null;
        long rDelta = hasResidual ? residual.Origin - y.Origin : 0, rImage = residual.ImageStride - y.ImageStride;
        for (int g = g0; g < g1; g++)
        for (int b0 = 0; b0 < blocks; b0 += range)
        {
            // Group by group, each group's weights read once in memory order; the group's partial sums wait in the
            // output between ranges.
            int steps = Math.Min(range, blocks - b0) * kk;
            bool first = b0 == 0, last = b0 + range >= blocks;
            float* w = a + ((long)g * blocks + b0) * kk * L * group;
            float* xg = x.Origin + b0 * x.BlockStride;
            var e = new Epilogue(last ? bias + g * group : null, last && hasResidual ? residualBlocks - g * vectors : 0,
                last && relu, y.BlockStride);
            float* yg = y.Origin + g * vectors * y.BlockStride;
            if (group == 32)
            {
                for (int row = p0 / outWidth; row * outWidth < p1; row++)
                {
                    int n = row / outHeight, oy = row % outHeight;
                    float* xr = xg + n * x.ImageStride + oy * x.RowStride, yr = yg + n * y.ImageStride + oy * y.RowStride;
                    long d = rDelta + n * rImage;
                    for (int ox = 0; ox < outWidth; ox += 12)
                    {
                        int at = Math.Min(ox, outWidth - 12);
                        Block32x12(steps, taps, w, xr + at * L, yr + at * L, d, e);
                    }
                }
                continue;
            }
            for (int p = p0; p < p1; p += 6)
            {
                for (int k = 0; k < 6; k++)
                {
                    int q = Math.Min(p + k, p1 - 1), n = q / imagePixels, r = q % imagePixels;
                    int oy = r / outWidth, ox = r % outWidth;
                    xs[k] = n * x.ImageStride + stride * (oy * x.RowStride + ox * L);
                    ys[k] = n * y.ImageStride + oy * y.RowStride + ox * L;
                    rs[k] = rDelta + n * rImage;
                }
                Block64x6(steps, taps, w, xg, xs, yg, ys, rs, !first, e);
            }
        }
    }

    /// <summary>Bias (of the group), residual (its first vectors) and ReLU.</summary>
    private readonly struct Epilogue(float* bias, int rVectors, bool relu, long yBlock)
    {
        private readonly float* _bias = bias;
        private readonly int _rVectors = rVectors;
        private readonly bool _relu = relu;
        public readonly long YBlock = yBlock;

        /// <summary>The stored value of vector <paramref name="f"/> of the group at output address
        /// <paramref name="at"/>, its residual <paramref name="rDelta"/> floats from there.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Apply(Vector512<float> v, int f, float* at, long rDelta)
        {
            if (_bias != null) v += Vector512.Load(_bias + f * L);
            if (f < _rVectors) v += Vector512.Load(at + rDelta);
            return _relu ? Vector512.Max(v, Vector512<float>.Zero) : v;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block64x6(int steps, long* taps, float* w, float* x, long* xs, float* y, long* ys, long* rs,
        bool accumulate, in Epilogue e)
    {
        long yb = e.YBlock;
        float* o0 = y + ys[0], o1 = y + ys[1], o2 = y + ys[2], o3 = y + ys[3], o4 = y + ys[4], o5 = y + ys[5];
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default, a34 = default, a35 = default;
        if (accumulate)
        {
            a00 = Vector512.Load(o0); a01 = Vector512.Load(o1); a02 = Vector512.Load(o2);
            a03 = Vector512.Load(o3); a04 = Vector512.Load(o4); a05 = Vector512.Load(o5);
            a10 = Vector512.Load(o0 + yb); a11 = Vector512.Load(o1 + yb); a12 = Vector512.Load(o2 + yb);
            a13 = Vector512.Load(o3 + yb); a14 = Vector512.Load(o4 + yb); a15 = Vector512.Load(o5 + yb);
            a20 = Vector512.Load(o0 + 2 * yb); a21 = Vector512.Load(o1 + 2 * yb); a22 = Vector512.Load(o2 + 2 * yb);
            a23 = Vector512.Load(o3 + 2 * yb); a24 = Vector512.Load(o4 + 2 * yb); a25 = Vector512.Load(o5 + 2 * yb);
            a30 = Vector512.Load(o0 + 3 * yb); a31 = Vector512.Load(o1 + 3 * yb); a32 = Vector512.Load(o2 + 3 * yb);
            a33 = Vector512.Load(o3 + 3 * yb); a34 = Vector512.Load(o4 + 3 * yb); a35 = Vector512.Load(o5 + 3 * yb);
        }
        for (int t = 0; t < steps; t++)
        {
            // The six pixels' inputs at this tap: their own rows (a block may cross a row end).
            float* q = x + taps[t];
            float* q0 = q + xs[0], q1 = q + xs[1], q2 = q + xs[2], q3 = q + xs[3], q4 = q + xs[4], q5 = q + xs[5];
            for (float* end = w + L * 64; w < end; w += 64, q0++, q1++, q2++, q3++, q4++, q5++)
            {
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(w + PrefetchFloats); Sse.Prefetch0(w + PrefetchFloats + L);
                    Sse.Prefetch0(w + PrefetchFloats + 2 * L); Sse.Prefetch0(w + PrefetchFloats + 3 * L);
                }
                var w0 = Vector512.Load(w); var w1 = Vector512.Load(w + L);
                var w2 = Vector512.Load(w + 2 * L); var w3 = Vector512.Load(w + 3 * L);
                var v = Vector512.Create(*q0);
                a00 = Vector512.FusedMultiplyAdd(w0, v, a00); a10 = Vector512.FusedMultiplyAdd(w1, v, a10);
                a20 = Vector512.FusedMultiplyAdd(w2, v, a20); a30 = Vector512.FusedMultiplyAdd(w3, v, a30);
                v = Vector512.Create(*q1);
                a01 = Vector512.FusedMultiplyAdd(w0, v, a01); a11 = Vector512.FusedMultiplyAdd(w1, v, a11);
                a21 = Vector512.FusedMultiplyAdd(w2, v, a21); a31 = Vector512.FusedMultiplyAdd(w3, v, a31);
                v = Vector512.Create(*q2);
                a02 = Vector512.FusedMultiplyAdd(w0, v, a02); a12 = Vector512.FusedMultiplyAdd(w1, v, a12);
                a22 = Vector512.FusedMultiplyAdd(w2, v, a22); a32 = Vector512.FusedMultiplyAdd(w3, v, a32);
                v = Vector512.Create(*q3);
                a03 = Vector512.FusedMultiplyAdd(w0, v, a03); a13 = Vector512.FusedMultiplyAdd(w1, v, a13);
                a23 = Vector512.FusedMultiplyAdd(w2, v, a23); a33 = Vector512.FusedMultiplyAdd(w3, v, a33);
                v = Vector512.Create(*q4);
                a04 = Vector512.FusedMultiplyAdd(w0, v, a04); a14 = Vector512.FusedMultiplyAdd(w1, v, a14);
                a24 = Vector512.FusedMultiplyAdd(w2, v, a24); a34 = Vector512.FusedMultiplyAdd(w3, v, a34);
                v = Vector512.Create(*q5);
                a05 = Vector512.FusedMultiplyAdd(w0, v, a05); a15 = Vector512.FusedMultiplyAdd(w1, v, a15);
                a25 = Vector512.FusedMultiplyAdd(w2, v, a25); a35 = Vector512.FusedMultiplyAdd(w3, v, a35);
            }
        }
        long r0 = rs[0], r1 = rs[1], r2 = rs[2], r3 = rs[3], r4 = rs[4], r5 = rs[5];
        e.Apply(a00, 0, o0, r0).Store(o0); e.Apply(a01, 0, o1, r1).Store(o1); e.Apply(a02, 0, o2, r2).Store(o2);
        e.Apply(a03, 0, o3, r3).Store(o3); e.Apply(a04, 0, o4, r4).Store(o4); e.Apply(a05, 0, o5, r5).Store(o5);
        o0 += yb; o1 += yb; o2 += yb; o3 += yb; o4 += yb; o5 += yb;
        e.Apply(a10, 1, o0, r0).Store(o0); e.Apply(a11, 1, o1, r1).Store(o1); e.Apply(a12, 1, o2, r2).Store(o2);
        e.Apply(a13, 1, o3, r3).Store(o3); e.Apply(a14, 1, o4, r4).Store(o4); e.Apply(a15, 1, o5, r5).Store(o5);
        o0 += yb; o1 += yb; o2 += yb; o3 += yb; o4 += yb; o5 += yb;
        e.Apply(a20, 2, o0, r0).Store(o0); e.Apply(a21, 2, o1, r1).Store(o1); e.Apply(a22, 2, o2, r2).Store(o2);
        e.Apply(a23, 2, o3, r3).Store(o3); e.Apply(a24, 2, o4, r4).Store(o4); e.Apply(a25, 2, o5, r5).Store(o5);
        o0 += yb; o1 += yb; o2 += yb; o3 += yb; o4 += yb; o5 += yb;
        e.Apply(a30, 3, o0, r0).Store(o0); e.Apply(a31, 3, o1, r1).Store(o1); e.Apply(a32, 3, o2, r2).Store(o2);
        e.Apply(a33, 3, o3, r3).Store(o3); e.Apply(a34, 3, o4, r4).Store(o4); e.Apply(a35, 3, o5, r5).Store(o5);
    }

    /// <summary>32 channels × 12 consecutive pixels of one row at stride 1: pixel k's input at <c>x + 16k</c>, its
    /// output at <c>y + 16k</c>; the whole window in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block32x12(int steps, long* taps, float* w, float* x, float* y, long rDelta, in Epilogue e)
    {
        long yb = e.YBlock;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default;
        Vector512<float> a06 = default, a07 = default, a08 = default, a09 = default, a0a = default, a0b = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        Vector512<float> a16 = default, a17 = default, a18 = default, a19 = default, a1a = default, a1b = default;
        for (int t = 0; t < steps; t++)
        {
            float* q = x + taps[t];
            for (float* end = w + L * 32; w < end; w += 32, q++)
            {
                var w0 = Vector512.Load(w); var w1 = Vector512.Load(w + L);
                var v = Vector512.Create(q[0]);
                a00 = Vector512.FusedMultiplyAdd(w0, v, a00); a10 = Vector512.FusedMultiplyAdd(w1, v, a10);
                v = Vector512.Create(q[L]);
                a01 = Vector512.FusedMultiplyAdd(w0, v, a01); a11 = Vector512.FusedMultiplyAdd(w1, v, a11);
                v = Vector512.Create(q[2 * L]);
                a02 = Vector512.FusedMultiplyAdd(w0, v, a02); a12 = Vector512.FusedMultiplyAdd(w1, v, a12);
                v = Vector512.Create(q[3 * L]);
                a03 = Vector512.FusedMultiplyAdd(w0, v, a03); a13 = Vector512.FusedMultiplyAdd(w1, v, a13);
                v = Vector512.Create(q[4 * L]);
                a04 = Vector512.FusedMultiplyAdd(w0, v, a04); a14 = Vector512.FusedMultiplyAdd(w1, v, a14);
                v = Vector512.Create(q[5 * L]);
                a05 = Vector512.FusedMultiplyAdd(w0, v, a05); a15 = Vector512.FusedMultiplyAdd(w1, v, a15);
                v = Vector512.Create(q[6 * L]);
                a06 = Vector512.FusedMultiplyAdd(w0, v, a06); a16 = Vector512.FusedMultiplyAdd(w1, v, a16);
                v = Vector512.Create(q[7 * L]);
                a07 = Vector512.FusedMultiplyAdd(w0, v, a07); a17 = Vector512.FusedMultiplyAdd(w1, v, a17);
                v = Vector512.Create(q[8 * L]);
                a08 = Vector512.FusedMultiplyAdd(w0, v, a08); a18 = Vector512.FusedMultiplyAdd(w1, v, a18);
                v = Vector512.Create(q[9 * L]);
                a09 = Vector512.FusedMultiplyAdd(w0, v, a09); a19 = Vector512.FusedMultiplyAdd(w1, v, a19);
                v = Vector512.Create(q[10 * L]);
                a0a = Vector512.FusedMultiplyAdd(w0, v, a0a); a1a = Vector512.FusedMultiplyAdd(w1, v, a1a);
                v = Vector512.Create(q[11 * L]);
                a0b = Vector512.FusedMultiplyAdd(w0, v, a0b); a1b = Vector512.FusedMultiplyAdd(w1, v, a1b);
            }
        }
        Store(e, a00, a10, y, yb, rDelta); Store(e, a01, a11, y + L, yb, rDelta);
        Store(e, a02, a12, y + 2 * L, yb, rDelta); Store(e, a03, a13, y + 3 * L, yb, rDelta);
        Store(e, a04, a14, y + 4 * L, yb, rDelta); Store(e, a05, a15, y + 5 * L, yb, rDelta);
        Store(e, a06, a16, y + 6 * L, yb, rDelta); Store(e, a07, a17, y + 7 * L, yb, rDelta);
        Store(e, a08, a18, y + 8 * L, yb, rDelta); Store(e, a09, a19, y + 9 * L, yb, rDelta);
        Store(e, a0a, a1a, y + 10 * L, yb, rDelta); Store(e, a0b, a1b, y + 11 * L, yb, rDelta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(in Epilogue e, Vector512<float> v0, Vector512<float> v1, float* o, long yb, long rDelta)
    {
        e.Apply(v0, 0, o, rDelta).Store(o);
        e.Apply(v1, 1, o + yb, rDelta).Store(o + yb);
    }
}

/// <summary>Channel-blocked maps in memory: pixel (y, x) of block b of image n at
/// <c>Origin + n·ImageStride + b·BlockStride + y·RowStride + x·16</c>.</summary>
internal readonly unsafe struct BlockedView(float* origin, long blockStride, long rowStride, long imageStride = 0)
{
    public readonly float* Origin = origin;
    public readonly long BlockStride = blockStride, RowStride = rowStride, ImageStride = imageStride;

    /// <summary>No map.</summary>
    public static BlockedView None => default;
}
