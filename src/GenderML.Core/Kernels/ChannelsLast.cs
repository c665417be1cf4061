using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// Copies one image's C×H×W planes channels-last: <c>dst[(y·dstCols + x)·cPad + c] = src[(c·H + y)·W + x]</c>, by 8×8
/// transposes (8 channels × 8 pixels of a row) where AVX is allowed, plain loops for the rest. Positions of the
/// destination outside the image and channels past C are left as they are.
/// </summary>
internal static unsafe class ChannelsLast
{
    public static void Copy(float* src, int channels, int h, int w, float* dst, int dstCols, int cPad, bool avx)
    {
        long plane = (long)h * w;
        int c8 = avx && w >= 8 ? channels / 8 * 8 : 0;
        for (int c0 = 0; c0 < c8; c0 += 8)
        for (int y = 0; y < h; y++)
        {
            float* s = src + c0 * plane + (long)y * w;
            float* d = dst + (long)y * dstCols * cPad + c0;
            // The last block of 8 pixels overlaps the one before when W is not a multiple of 8.
            for (int x0 = 0; x0 < w; x0 += 8)
            {
                int x = Math.Min(x0, w - 8);
                Transpose8x8(s + x, plane, d + (long)x * cPad, cPad);
            }
        }
        for (int c = c8; c < channels; c++)
        for (int y = 0; y < h; y++)
        {
            float* s = src + c * plane + (long)y * w;
            float* d = dst + (long)y * dstCols * cPad + c;
            for (int x = 0; x < w; x++) d[(long)x * cPad] = s[x];
        }
    }

    /// <summary><c>d[j·ldd + k] = s[k·lds + j]</c> for j, k &lt; 8.</summary>
    private static void Transpose8x8(float* s, long lds, float* d, long ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lds);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * lds), r3 = Avx.LoadVector256(s + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * lds), r5 = Avx.LoadVector256(s + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * lds), r7 = Avx.LoadVector256(s + 7 * lds);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }
}
