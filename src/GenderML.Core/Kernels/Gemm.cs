namespace GenderML.Core.Kernels;

/// <summary>Single-precision matrix multiplication (SGEMM) on row-major matrices.</summary>
/// <remarks>
/// Packed, cache-blocked and register-blocked (Goto/BLIS style) on AVX-512 or AVX2+FMA, picked at run time,
/// with a scalar fallback. Work is split into tiles of C; K is never split across threads and no element's sum
/// depends on the tile it falls in, so the result is bit-identical for any <see cref="ComputeOptions.Threads"/>.
/// Allocation-free once warmed up (per-thread packing buffers, a persistent worker pool).
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// <c>C = op(A) · op(B)</c>, or <c>C += op(A) · op(B)</c> when <paramref name="accumulate"/> is true, where
    /// op(A) is m×k and op(B) is k×n. Row-major with leading dimensions: element (i, j) of a stored matrix X
    /// is <c>x[i * ldx + j]</c>; with <paramref name="transA"/>, A is stored k×m and op(A) = Aᵀ.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension is shorter than its row, or a span is too short.</exception>
    public static unsafe void Multiply(
        bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, ComputeOptions? options = null)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"Gemm: sizes must not be negative (m={m}, n={n}, k={k})");
        CheckMatrix("A", a.Length, transA ? k : m, transA ? m : k, lda, nameof(lda));
        CheckMatrix("B", b.Length, transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        CheckMatrix("C", c.Length, m, n, ldc, nameof(ldc));
        int threads = (options ?? DefaultOptions).Threads;
        fixed (float* pa = a, pb = b, pc = c)
            GemmDriver.Run(GemmBlocking.BestIsa, transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate, threads);
    }

    private static readonly ComputeOptions DefaultOptions = new();

    private static void CheckMatrix(string name, int length, int rows, int cols, int ld, string ldName)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"Gemm: {ldName}={ld} is shorter than a row of {name} ({cols} values); pass ld ≥ {cols}", ldName);
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"Gemm: {name} holds {length} values but a {rows}×{cols} matrix with leading dimension {ld} needs {needed}", name.ToLowerInvariant());
    }
}
