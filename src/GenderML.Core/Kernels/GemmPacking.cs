using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded sliver layout the microkernels read.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) into slivers of <paramref name="mr"/> rows:
    /// sliver s holds, for each p, the values op(A)[i0 + s·mr + r, p0 + p] for r in 0…mr−1 (zero past row m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, int lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int s = 0; s < mc; s += mr)
        {
            int rows = Math.Min(mr, mc - s);
            float* d = dst + (long)s * kc;
            if (transA)
            {
                float* src = a + (long)p0 * lda + i0 + s;
                if (rows == mr && mr == 8)
                {
                    for (int p = 0; p < kc; p++) Vector256.Store(Vector256.Load(src + (long)p * lda), d + p * 8);
                    continue;
                }
                for (int p = 0; p < kc; p++)
                {
                    float* sp = src + (long)p * lda;
                    float* dp = d + p * mr;
                    int r = 0;
                    for (; r < rows; r++) dp[r] = sp[r];
                    for (; r < mr; r++) dp[r] = 0f;
                }
            }
            else
            {
                float* src = a + (long)(i0 + s) * lda + p0;
                int p = 0;
                if (mr == 8 && rows == 8 && Avx.IsSupported)
                    for (; p <= kc - 8; p += 8) Transpose8x8(src + p, lda, d + p * 8, 8);
                for (; p < kc; p++)
                {
                    float* sp = src + p;
                    float* dp = d + p * mr;
                    int r = 0;
                    for (; r < rows; r++) dp[r] = sp[(long)r * lda];
                    for (; r < mr; r++) dp[r] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs rows [p0, p0+kc) and columns [j0, j0+cols) of op(B), cols ≤ <paramref name="nr"/>, into one sliver:
    /// for each p, the values op(B)[p0 + p, j0 + j] for j in 0…nr−1 (zero from column cols on).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackBSliver(bool transB, float* b, int ldb, int p0, int kc, int j0, int cols, int nr, float* dst)
    {
        if (!transB)
        {
            float* src = b + (long)p0 * ldb + j0;
            if (cols == 32 && nr == 32 && Vector512.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++, src += ldb, dst += 32)
                {
                    Vector512.Store(Vector512.Load(src), dst);
                    Vector512.Store(Vector512.Load(src + 16), dst + 16);
                }
                return;
            }
            if (cols == 16 && nr == 16)
            {
                for (int p = 0; p < kc; p++, src += ldb, dst += 16)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector256.Store(Vector256.Load(src + 8), dst + 8);
                }
                return;
            }
            for (int p = 0; p < kc; p++, src += ldb, dst += nr)
            {
                int j = 0;
                for (; j < cols; j++) dst[j] = src[j];
                for (; j < nr; j++) dst[j] = 0f;
            }
        }
        else
        {
            int pDone = 0;
            if (cols == nr && nr % 8 == 0 && Avx.IsSupported)
            {
                pDone = kc & ~7;
                float* src = b + (long)j0 * ldb + p0;
                for (int p = 0; p < pDone; p += 8)
                    for (int jb = 0; jb < nr; jb += 8)
                        Transpose8x8(src + (long)jb * ldb + p, ldb, dst + p * nr + jb, nr);
            }
            for (int j = 0; j < cols; j++)
            {
                float* sp = b + (long)(j0 + j) * ldb + p0 + pDone;
                float* dp = dst + pDone * nr + j;
                for (int p = 0; p < kc - pDone; p++) dp[p * nr] = sp[p];
            }
            for (int j = cols; j < nr; j++)
                for (int p = 0; p < kc; p++) dst[p * nr + j] = 0f;
        }
    }

    /// <summary>Writes the transpose of the 8×8 block at <paramref name="src"/> (row stride <paramref name="lds"/>) to <paramref name="dst"/> (row stride <paramref name="ldd"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, long lds, float* dst, int ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds);
        var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds);
        var r7 = Avx.LoadVector256(src + 7 * lds);
        Transpose8(r0, r1, r2, r3, r4, r5, r6, r7, dst, ldd);
    }

    /// <summary>Writes the transpose of the 8×8 block with rows <paramref name="r0"/>…<paramref name="r7"/> to <paramref name="dst"/> (row stride <paramref name="ld"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* dst, int ld)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ld, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ld, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ld, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ld, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ld, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ld, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ld, Avx.Permute2x128(u3, u7, 0x31));
    }
}
