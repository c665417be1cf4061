namespace GenderML.Core.Kernels;

/// <summary>Single-precision matrix multiplication (SGEMM) on row-major matrices.</summary>
public static class Gemm
{
    /// <summary>
    /// <c>C = op(A) · op(B)</c>, or <c>C += op(A) · op(B)</c> when <paramref name="accumulate"/> is true, where
    /// op(A) is m×k and op(B) is k×n. Row-major with leading dimensions: element (i, j) of a stored matrix X
    /// is <c>x[i * ldx + j]</c>; with <paramref name="transA"/>, A is stored k×m and op(A) = Aᵀ.
    /// </summary>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, ComputeOptions? options = null)
        => GemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
