using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The channel-blocked layout (NCHWc) of one image: channels in blocks of <see cref="Lanes"/>, block b's H×W pixels of
/// 16 floats each at <c>b·H·W·16</c>, so one AVX-512 vector is one pixel's 16 channels of a block. A depthwise
/// convolution, a max pool or a residual add is then one vector operation per pixel, and a 1×1 convolution reads each
/// input pixel as one cache line and writes each output pixel as one (<see cref="BlockedPointwise"/>), where the
/// plain layout (NCHW) reads and writes one stream per channel. The conversion back to NCHW at a blocked graph's end
/// (its first layer writes the blocked layout itself: <see cref="BlockedInputConvolution"/>).
/// </summary>
internal static unsafe class ChannelBlocks
{
    /// <summary>Channels per block: the floats of one AVX-512 vector.</summary>
    public const int Lanes = 16;

    /// <summary>Whether <paramref name="channels"/> fill whole blocks.</summary>
    public static bool Fits(int channels) => channels > 0 && channels % Lanes == 0;

    /// <summary><c>dst[c·h·w + y·w + x]</c> = channel c of pixel (y, x) of <paramref name="src"/>, a blocked map of
    /// <paramref name="channels"/> (a multiple of 16), its rows one after the other or apart (a map inside a border).
    /// </summary>
    public static void ToPlanar(BlockedView src, int channels, int h, int w, float* dst)
    {
        long hw = (long)h * w;
        // Rows one after the other: one row of h·w pixels, so the 16-pixel transposes run across row ends.
        if (src.RowStride == (long)w * Lanes) (h, w) = (1, (int)hw);
        for (int b = 0; b < channels / Lanes; b++)
        for (int y = 0; y < h; y++)
        {
            float* s = src.Origin + b * src.BlockStride + y * src.RowStride, d = dst + b * Lanes * hw + (long)y * w;
            int p = 0;
            if (Avx512F.IsSupported)
                for (; p + Lanes <= w; p += Lanes) Transpose16(s + (long)p * Lanes, Lanes, d + p, hw);
            for (; p < w; p++)
                for (int l = 0; l < Lanes; l++) d[l * hw + p] = s[(long)p * Lanes + l];
        }
    }

    /// <summary>
    /// The 16×16 tile whose row r is at <c>s + r·<paramref name="ls"/></c>, transposed into rows at
    /// <c>d + r·<paramref name="ld"/></c>: four rounds of two-source permutes, round k exchanging bit k of the row with
    /// bit k of the column between rows r and r + 2^k.
    /// </summary>
    private static void Transpose16(float* s, long ls, float* d, long ld)
    {
        var r0 = Vector512.Load(s + 0 * ls);
        var r1 = Vector512.Load(s + 1 * ls);
        var r2 = Vector512.Load(s + 2 * ls);
        var r3 = Vector512.Load(s + 3 * ls);
        var r4 = Vector512.Load(s + 4 * ls);
        var r5 = Vector512.Load(s + 5 * ls);
        var r6 = Vector512.Load(s + 6 * ls);
        var r7 = Vector512.Load(s + 7 * ls);
        var r8 = Vector512.Load(s + 8 * ls);
        var r9 = Vector512.Load(s + 9 * ls);
        var r10 = Vector512.Load(s + 10 * ls);
        var r11 = Vector512.Load(s + 11 * ls);
        var r12 = Vector512.Load(s + 12 * ls);
        var r13 = Vector512.Load(s + 13 * ls);
        var r14 = Vector512.Load(s + 14 * ls);
        var r15 = Vector512.Load(s + 15 * ls);
        var (lo0, hi0) = TransposeIndices[0];
        (r0, r1) = (Avx512F.PermuteVar16x32x2(r0, lo0, r1), Avx512F.PermuteVar16x32x2(r0, hi0, r1));
        (r2, r3) = (Avx512F.PermuteVar16x32x2(r2, lo0, r3), Avx512F.PermuteVar16x32x2(r2, hi0, r3));
        (r4, r5) = (Avx512F.PermuteVar16x32x2(r4, lo0, r5), Avx512F.PermuteVar16x32x2(r4, hi0, r5));
        (r6, r7) = (Avx512F.PermuteVar16x32x2(r6, lo0, r7), Avx512F.PermuteVar16x32x2(r6, hi0, r7));
        (r8, r9) = (Avx512F.PermuteVar16x32x2(r8, lo0, r9), Avx512F.PermuteVar16x32x2(r8, hi0, r9));
        (r10, r11) = (Avx512F.PermuteVar16x32x2(r10, lo0, r11), Avx512F.PermuteVar16x32x2(r10, hi0, r11));
        (r12, r13) = (Avx512F.PermuteVar16x32x2(r12, lo0, r13), Avx512F.PermuteVar16x32x2(r12, hi0, r13));
        (r14, r15) = (Avx512F.PermuteVar16x32x2(r14, lo0, r15), Avx512F.PermuteVar16x32x2(r14, hi0, r15));
        var (lo1, hi1) = TransposeIndices[1];
        (r0, r2) = (Avx512F.PermuteVar16x32x2(r0, lo1, r2), Avx512F.PermuteVar16x32x2(r0, hi1, r2));
        (r1, r3) = (Avx512F.PermuteVar16x32x2(r1, lo1, r3), Avx512F.PermuteVar16x32x2(r1, hi1, r3));
        (r4, r6) = (Avx512F.PermuteVar16x32x2(r4, lo1, r6), Avx512F.PermuteVar16x32x2(r4, hi1, r6));
        (r5, r7) = (Avx512F.PermuteVar16x32x2(r5, lo1, r7), Avx512F.PermuteVar16x32x2(r5, hi1, r7));
        (r8, r10) = (Avx512F.PermuteVar16x32x2(r8, lo1, r10), Avx512F.PermuteVar16x32x2(r8, hi1, r10));
        (r9, r11) = (Avx512F.PermuteVar16x32x2(r9, lo1, r11), Avx512F.PermuteVar16x32x2(r9, hi1, r11));
        (r12, r14) = (Avx512F.PermuteVar16x32x2(r12, lo1, r14), Avx512F.PermuteVar16x32x2(r12, hi1, r14));
        (r13, r15) = (Avx512F.PermuteVar16x32x2(r13, lo1, r15), Avx512F.PermuteVar16x32x2(r13, hi1, r15));
        var (lo2, hi2) = TransposeIndices[2];
        (r0, r4) = (Avx512F.PermuteVar16x32x2(r0, lo2, r4), Avx512F.PermuteVar16x32x2(r0, hi2, r4));
        (r1, r5) = (Avx512F.PermuteVar16x32x2(r1, lo2, r5), Avx512F.PermuteVar16x32x2(r1, hi2, r5));
        (r2, r6) = (Avx512F.PermuteVar16x32x2(r2, lo2, r6), Avx512F.PermuteVar16x32x2(r2, hi2, r6));
        (r3, r7) = (Avx512F.PermuteVar16x32x2(r3, lo2, r7), Avx512F.PermuteVar16x32x2(r3, hi2, r7));
        (r8, r12) = (Avx512F.PermuteVar16x32x2(r8, lo2, r12), Avx512F.PermuteVar16x32x2(r8, hi2, r12));
        (r9, r13) = (Avx512F.PermuteVar16x32x2(r9, lo2, r13), Avx512F.PermuteVar16x32x2(r9, hi2, r13));
        (r10, r14) = (Avx512F.PermuteVar16x32x2(r10, lo2, r14), Avx512F.PermuteVar16x32x2(r10, hi2, r14));
        (r11, r15) = (Avx512F.PermuteVar16x32x2(r11, lo2, r15), Avx512F.PermuteVar16x32x2(r11, hi2, r15));
        var (lo3, hi3) = TransposeIndices[3];
        (r0, r8) = (Avx512F.PermuteVar16x32x2(r0, lo3, r8), Avx512F.PermuteVar16x32x2(r0, hi3, r8));
        (r1, r9) = (Avx512F.PermuteVar16x32x2(r1, lo3, r9), Avx512F.PermuteVar16x32x2(r1, hi3, r9));
        (r2, r10) = (Avx512F.PermuteVar16x32x2(r2, lo3, r10), Avx512F.PermuteVar16x32x2(r2, hi3, r10));
        (r3, r11) = (Avx512F.PermuteVar16x32x2(r3, lo3, r11), Avx512F.PermuteVar16x32x2(r3, hi3, r11));
        (r4, r12) = (Avx512F.PermuteVar16x32x2(r4, lo3, r12), Avx512F.PermuteVar16x32x2(r4, hi3, r12));
        (r5, r13) = (Avx512F.PermuteVar16x32x2(r5, lo3, r13), Avx512F.PermuteVar16x32x2(r5, hi3, r13));
        (r6, r14) = (Avx512F.PermuteVar16x32x2(r6, lo3, r14), Avx512F.PermuteVar16x32x2(r6, hi3, r14));
        (r7, r15) = (Avx512F.PermuteVar16x32x2(r7, lo3, r15), Avx512F.PermuteVar16x32x2(r7, hi3, r15));
        r0.Store(d + 0 * ld);
        r1.Store(d + 1 * ld);
        r2.Store(d + 2 * ld);
        r3.Store(d + 3 * ld);
        r4.Store(d + 4 * ld);
        r5.Store(d + 5 * ld);
        r6.Store(d + 6 * ld);
        r7.Store(d + 7 * ld);
        r8.Store(d + 8 * ld);
        r9.Store(d + 9 * ld);
        r10.Store(d + 10 * ld);
        r11.Store(d + 11 * ld);
        r12.Store(d + 12 * ld);
        r13.Store(d + 13 * ld);
        r14.Store(d + 14 * ld);
        r15.Store(d + 15 * ld);
    }

    /// <summary>Round k's permutes: the row with bit k clear takes column c from itself when c's bit k is clear, else
    /// column c − 2^k of its partner (indices ≥ 16); the partner takes column c + 2^k of the first, or its own c.</summary>
    private static readonly (Vector512<int> Lo, Vector512<int> Hi)[] TransposeIndices = Enumerable.Range(0, 4)
        .Select(k =>
        {
            int step = 1 << k;
            var lo = new int[Lanes];
            var hi = new int[Lanes];
            for (int c = 0; c < Lanes; c++)
            {
                bool set = (c & step) != 0;
                lo[c] = set ? Lanes + c - step : c;
                hi[c] = set ? Lanes + c : c + step;
            }
            return (Vector512.Create(lo), Vector512.Create(hi));
        }).ToArray();

    /// <summary>Rows [<paramref name="y0"/>, <paramref name="y1"/>) of the pixels (stride·y, stride·x) of a blocked h×w
    /// image, as a blocked image of y1 − y0 rows of <c>⌈w/stride⌉</c> pixels: the input of a strided 1×1 convolution.</summary>
    public static void Subsample(float* src, int channels, int h, int w, int stride, int y0, int y1, float* dst)
    {
        int ow = (w + stride - 1) / stride, rows = y1 - y0;
        for (int b = 0; b < channels / Lanes; b++)
        {
            float* s = src + (long)b * h * w * Lanes, d = dst + (long)b * rows * ow * Lanes;
            for (int y = y0; y < y1; y++)
            for (int x = 0; x < ow; x++)
                Vector512.Load(s + ((long)y * stride * w + (long)x * stride) * Lanes)
                    .Store(d + ((long)(y - y0) * ow + x) * Lanes);
        }
    }
}
