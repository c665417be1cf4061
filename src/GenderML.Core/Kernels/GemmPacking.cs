using System.Runtime.Intrinsics;

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
    public static void PackA(bool transA, float* a, int lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int s = 0; s < mc; s += mr)
        {
            int rows = Math.Min(mr, mc - s);
            float* d = dst + (long)s * kc;
            if (transA)
            {
                float* src = a + (long)p0 * lda + i0 + s;
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
                for (int p = 0; p < kc; p++)
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
            for (int j = 0; j < cols; j++)
            {
                float* sp = b + (long)(j0 + j) * ldb + p0;
                float* dp = dst + j;
                for (int p = 0; p < kc; p++) dp[p * nr] = sp[p];
            }
            for (int j = cols; j < nr; j++)
                for (int p = 0; p < kc; p++) dst[p * nr + j] = 0f;
        }
    }
}
