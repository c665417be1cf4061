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
                for (int r = 0; r < rows; r++)
                {
                    float* sp = a + (long)(i0 + s + r) * lda + p0;
                    float* dp = d + r;
                    for (int p = 0; p < kc; p++) dp[p * mr] = sp[p];
                }
                for (int r = rows; r < mr; r++)
                    for (int p = 0; p < kc; p++) d[p * mr + r] = 0f;
            }
        }
    }

    /// <summary>
    /// Packs rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) into slivers of <paramref name="nr"/> columns:
    /// sliver s holds, for each p, the values op(B)[p0 + p, j0 + s·nr + j] for j in 0…nr−1 (zero past column n).
    /// </summary>
    public static void PackB(bool transB, float* b, int ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int s = 0; s < nc; s += nr)
        {
            int cols = Math.Min(nr, nc - s);
            float* d = dst + (long)s * kc;
            if (!transB)
            {
                float* src = b + (long)p0 * ldb + j0 + s;
                nuint bytes = (nuint)(cols * sizeof(float));
                for (int p = 0; p < kc; p++)
                {
                    float* dp = d + p * nr;
                    Buffer.MemoryCopy(src + (long)p * ldb, dp, bytes, bytes);
                    for (int j = cols; j < nr; j++) dp[j] = 0f;
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    float* sp = b + (long)(j0 + s + j) * ldb + p0;
                    float* dp = d + j;
                    for (int p = 0; p < kc; p++) dp[p * nr] = sp[p];
                }
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) d[p * nr + j] = 0f;
            }
        }
    }
}
