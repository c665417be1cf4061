using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// A training dense layer's three products on AVX-512 with the weights read in place instead of packed:
/// <c>y = x·Wᵀ</c>, and <c>∂x = ∂y·W</c> with <c>∂W += ∂yᵀ·x</c> in one pass over W's columns.
/// </summary>
/// <remarks>
/// Every element is the sum <see cref="Gemm.Multiply"/> forms, in its order (an FMA chain from zero per KC block of
/// K, the blocks added in turn), so the results are the same bits as the GEMM calls they replace, for any thread
/// count. The forward pass computes <c>yᵀ = W·xᵀ</c>: W's rows are broadcast where they lie and only x (half W's
/// size for cnn2's 7744→128 layer) is transposed into slivers. The backward pass packs ∂y both ways (a few KB) and
/// streams W, x and ∂W once, a 32-column sliver at a time, through the GEMM's 8×32 register block.
/// </remarks>
internal static unsafe class DenseKernels
{
    private const int MR = 8, NR = 32;
    private const int PackSlot = 0, TransposedSlot = 1, ResultSlot = 2;

    /// <summary>Whether the kernels run (false: the callers use <see cref="Gemm.Multiply"/>; tests compare the two).</summary>
    internal static bool Enabled { get; set; } = true;

    private static int Kc => GemmBlocking.For(GemmIsa.Avx512).KC;

    private static bool Avx512Blocking =>
        Enabled && GemmBlocking.BestIsa == GemmIsa.Avx512 && GemmBlocking.For(GemmIsa.Avx512) is { MR: MR, NR: NR };

    /// <summary>Whether <see cref="Forward"/> takes an n×<paramref name="inFeatures"/> batch to
    /// <paramref name="outFeatures"/> features.</summary>
    public static bool ForwardApplies(int n, int inFeatures, int outFeatures) =>
        Avx512Blocking && n >= 1 && inFeatures >= 1 && outFeatures % MR == 0 && outFeatures >= MR;

    /// <summary>Whether <see cref="Backward"/> takes the shapes (∂y's sums over n and over OutFeatures fit one KC block).</summary>
    public static bool BackwardApplies(int n, int inFeatures, int outFeatures) =>
        Avx512Blocking && n >= MR && n <= Kc && outFeatures % MR == 0 && outFeatures >= MR && outFeatures <= Kc && inFeatures >= NR;

    /// <summary><c>y[r, o] = Σ_i x[r, i]·w[o, i]</c> (row-major n×inF, outF×inF, n×outF), as
    /// <c>Gemm.Multiply(false, true, n, outF, inF, x, inF, w, inF, y, outF, false)</c>.</summary>
    public static void Forward(int n, int inF, int outF, float* x, float* w, float* y, int threads)
    {
        int nPad = (n + NR - 1) / NR * NR;
        int bands = outF / MR;
        int items = threads > 1 && (long)n * inF * outF >= 1L << 19 ? Math.Min(threads, bands) : 1;
        float* yt = NativeScratch.Get(ResultSlot, (long)outF * nPad);
        var problem = new ForwardProblem(n, inF, outF, nPad, x, w, yt, items);
        if (items == 1) problem.Run(0);
        else
        {
            var job = JobCache<ForwardJob>.Rent();
            job.Problem = problem;
            JobCache<ForwardJob>.RunAndReturn(job, items, threads);
        }
        for (int r = 0; r < n; r++)
        {
            float* row = y + (long)r * outF;
            for (int o = 0; o < outF; o++) row[o] = yt[(long)o * nPad + r];
        }
    }

    private sealed class ForwardJob : ParallelJob
    {
        public ForwardProblem Problem;

        public override void Execute(int item) => Problem.Run(item);
    }

    private readonly struct ForwardProblem(int n, int inF, int outF, int nPad, float* x, float* w, float* yt, int items)
    {
        /// <summary>Rows of yᵀ in bands of 8, item <paramref name="item"/>'s share, through the whole K loop.</summary>
        public void Run(int item)
        {
            int bands = outF / MR, kcMax = Kc;
            int b0 = (int)((long)bands * item / items), b1 = (int)((long)bands * (item + 1) / items);
            int slivers = nPad / NR;
            float* xt = NativeScratch.Get(TransposedSlot, (long)nPad * Math.Min(kcMax, inF));
            for (int p0 = 0; p0 < inF; p0 += kcMax)
            {
                int kc = Math.Min(kcMax, inF - p0);
                for (int s = 0; s < slivers; s++)
                    GemmPacking.PackBSliver(true, x, inF, p0, kc, s * NR, Math.Min(NR, n - s * NR), NR, xt + (long)s * NR * kc);
                bool add = p0 > 0;
                for (int band = b0; band < b1; band++)
                {
                    float* a = w + (long)band * MR * inF + p0;
                    float* c = yt + (long)band * MR * nPad;
                    for (int s = 0; s < slivers; s++)
                        Kernel8x32RowsA(kc, a, inF, xt + (long)s * NR * kc, c + s * NR, nPad, add);
                }
            }
        }
    }

    /// <summary>
    /// C[0..8, 0..32] (+)= Σ_p A[:, p] ⊗ B[p, :] with A's 8 rows read where they lie (<paramref name="lda"/> floats
    /// apart) and B a packed 32-wide sliver: <see cref="GemmMicroKernels.Avx512Kernel8x32(int, float*, float*, float*, nint, bool)"/>'s
    /// arithmetic.
    /// </summary>
    private static void Kernel8x32RowsA(int kc, float* a, nint lda, float* b, float* c, nint ldc, bool add)
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a0[p]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[p]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[p]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[p]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[p]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[p]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[p]);
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60); c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[p]);
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70); c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            b += 32;
        }
        GemmMicroKernels.Store512(c + 0 * ldc, c00, c01, add);
        GemmMicroKernels.Store512(c + 1 * ldc, c10, c11, add);
        GemmMicroKernels.Store512(c + 2 * ldc, c20, c21, add);
        GemmMicroKernels.Store512(c + 3 * ldc, c30, c31, add);
        GemmMicroKernels.Store512(c + 4 * ldc, c40, c41, add);
        GemmMicroKernels.Store512(c + 5 * ldc, c50, c51, add);
        GemmMicroKernels.Store512(c + 6 * ldc, c60, c61, add);
        GemmMicroKernels.Store512(c + 7 * ldc, c70, c71, add);
    }

    /// <summary>
    /// <c>∂x = ∂y·W</c> (n×inF) and <c>∂W += ∂yᵀ·x</c> (outF×inF) from ∂y (n×outF), as
    /// <c>Gemm.Multiply(false, false, n, inF, outF, dy, outF, w, inF, dx, inF, false)</c> and
    /// <c>Gemm.Multiply(true, false, outF, inF, n, dy, outF, x, inF, dw, inF, true)</c>.
    /// </summary>
    public static void Backward(int n, int inF, int outF, float* dy, float* w, float* x, float* dx, float* dw, ComputeOptions options)
    {
        int threads = options.Threads;
        int n8 = n / MR * MR, in32 = inF / NR * NR;
        float* dyRows = NativeScratch.Get(PackSlot, (long)n8 * outF + (long)outF * n);
        float* dyCols = dyRows + (long)n8 * outF;
        GemmPacking.PackA(false, dy, outF, 0, n8, 0, outF, MR, dyRows);
        GemmPacking.PackA(true, dy, outF, 0, outF, 0, n, MR, dyCols);
        int slivers = in32 / NR;
        int items = threads > 1 ? Math.Min(slivers, 4 * threads) : 1;
        var problem = new BackwardProblem(n, n8, inF, outF, dyRows, dyCols, w, x, dx, dw, slivers, items);
        if (items == 1) problem.Run(0);
        else
        {
            var job = JobCache<BackwardJob>.Rent();
            job.Problem = problem;
            JobCache<BackwardJob>.RunAndReturn(job, items, threads);
        }
        long nx = (long)n * inF, nw = (long)outF * inF;
        // What the slivers leave: the last n % 8 rows of ∂x, the last inF % 32 columns of both; the GEMM forms the
        // same sums for them (its elements do not depend on the tile they fall in).
        if (n8 < n)
            Gemm.Multiply(false, false, n - n8, in32, outF, new ReadOnlySpan<float>(dy + (long)n8 * outF, (n - n8) * outF), outF,
                new ReadOnlySpan<float>(w, (int)nw), inF, new Span<float>(dx + (long)n8 * inF, (int)(nx - (long)n8 * inF)), inF, false, options);
        if (in32 < inF)
        {
            Gemm.Multiply(false, false, n, inF - in32, outF, new ReadOnlySpan<float>(dy, n * outF), outF,
                new ReadOnlySpan<float>(w + in32, (int)(nw - in32)), inF, new Span<float>(dx + in32, (int)(nx - in32)), inF, false, options);
            Gemm.Multiply(true, false, outF, inF - in32, n, new ReadOnlySpan<float>(dy, n * outF), outF,
                new ReadOnlySpan<float>(x + in32, (int)(nx - in32)), inF, new Span<float>(dw + in32, (int)(nw - in32)), inF, true, options);
        }
    }

    private sealed class BackwardJob : ParallelJob
    {
        public BackwardProblem Problem;

        public override void Execute(int item) => Problem.Run(item);
    }

    private readonly struct BackwardProblem(int n, int n8, int inF, int outF, float* dyRows, float* dyCols, float* w, float* x,
        float* dx, float* dw, int slivers, int items)
    {
        /// <summary>Item <paramref name="item"/>'s share of W's 32-column slivers: ∂x's and ∂W's columns there.</summary>
        public void Run(int item)
        {
            int s0 = (int)((long)slivers * item / items), s1 = (int)((long)slivers * (item + 1) / items);
            for (int s = s0; s < s1; s++)
            {
                int j = s * NR;
                // The first row block reads W's sliver from memory and fetches the one after next; the others find it in L1.
                GemmMicroKernels.Avx512Kernel8x32<NextSlivers>(outF, dyRows, w + j, inF, dx + j, inF, false);
                for (int r = MR; r < n8; r += MR)
                    GemmMicroKernels.Avx512Kernel8x32<NoPrefetch>(outF, dyRows + (long)r * outF, w + j, inF, dx + (long)r * inF + j, inF, false);
                bool ahead = s + 2 < s1;
                for (int o = 0; o < outF; o += MR)
                {
                    float* dwBlock = dw + (long)o * inF + j;
                    if (ahead)
                        for (int r = 0; r < MR; r++)
                        {
                            Sse.Prefetch0(dwBlock + (long)r * inF + 2 * NR);
                            Sse.Prefetch0(dwBlock + (long)r * inF + 2 * NR + 16);
                        }
                    if (o == 0) GemmMicroKernels.Avx512Kernel8x32<NextSlivers>(n, dyCols, x + j, inF, dwBlock, inF, true);
                    else GemmMicroKernels.Avx512Kernel8x32<NoPrefetch>(n, dyCols + (long)o * n, x + j, inF, dwBlock, inF, true);
                }
            }
        }
    }

    /// <summary>Fetches the same row of the sliver after next (32-column slivers of a matrix walked left to right);
    /// past the matrix's last column it touches the next row, harmlessly.</summary>
    private readonly struct NextSlivers : IBPrefetch
    {
        public static void Ahead(float* b, nint ldb)
        {
            Sse.Prefetch0(b + 2 * NR);
            Sse.Prefetch0(b + 2 * NR + 16);
        }
    }
}
