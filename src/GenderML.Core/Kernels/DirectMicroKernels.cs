using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The register blocks of <see cref="DirectConvolution"/>: C[0..MR, 0..NR] = Σ_p A[:, p] ⊗ B[p, :], A a packed
/// sliver (MR values per K step), B row p the NR floats at <c>b + offsets[p]</c> (read from the padded image, never
/// packed). C is stored, not added to.
/// </summary>
internal static unsafe class DirectMicroKernels
{
    public static void Run(GemmIsa isa, int k, float* a, float* b, int* offsets, float* c, nint ldc)
    {
        switch (isa)
        {
            case GemmIsa.Avx512:
                Avx512Kernel8x32(k, a, b, offsets, c, ldc);
                break;
            case GemmIsa.Avx2:
                Avx2Kernel4x16(k, a, b, offsets, c, ldc);
                break;
            default:
                ScalarKernel4x8(k, a, b, offsets, c, ldc);
                break;
        }
    }

    /// <summary>
    /// 8 rows × 32 columns, AVX-512: per K step two B loads, eight broadcasts, sixteen FMAs. With an epilogue
    /// (<paramref name="bias"/>: 8 values; <paramref name="residual"/>: same row stride as C; either may be null) it is
    /// applied in registers before the block's only store, <c>act(Σ + bias[r] + residual[r, j])</c> in
    /// <see cref="ConvEpilogue.Row"/>'s order (same bits): for the 1×1 convolutions, whose K is short, where a separate
    /// pass over each block costs as much as its K steps.
    /// </summary>
    public static void Avx512Kernel8x32(int k, float* a, float* b, int* offsets, float* c, nint ldc,
        float* bias = null, float* residual = null, bool relu = false) =>
        Avx512Block8x32(k, a, b, offsets, c, ldc, bias, residual, relu, default(RowStore));

    /// <summary>
    /// <see cref="Avx512Kernel8x32"/>'s sums, each of its 8 rows (32 values, output row stride <paramref name="ldc"/>)
    /// handed to <paramref name="store"/> with the epilogue's operands: the one block body behind the plain store and
    /// <see cref="DirectWrappedStores"/>'s masked one (a struct, so each gets its own compiled copy).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Avx512Block8x32<TStore>(int k, float* a, float* b, int* offsets, float* c, nint ldc,
        float* bias, float* residual, bool relu, in TStore store) where TStore : struct, IBlockRowStore
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < k; p++)
        {
            float* bp = b + offsets[p];
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60); c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70); c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
        }
        store.Store(c00, c01, c, 0, bias, residual, relu);
        store.Store(c10, c11, c + ldc, 1, bias, residual == null ? null : residual + ldc, relu);
        store.Store(c20, c21, c + 2 * ldc, 2, bias, residual == null ? null : residual + 2 * ldc, relu);
        store.Store(c30, c31, c + 3 * ldc, 3, bias, residual == null ? null : residual + 3 * ldc, relu);
        store.Store(c40, c41, c + 4 * ldc, 4, bias, residual == null ? null : residual + 4 * ldc, relu);
        store.Store(c50, c51, c + 5 * ldc, 5, bias, residual == null ? null : residual + 5 * ldc, relu);
        store.Store(c60, c61, c + 6 * ldc, 6, bias, residual == null ? null : residual + 6 * ldc, relu);
        store.Store(c70, c71, c + 7 * ldc, 7, bias, residual == null ? null : residual + 7 * ldc, relu);
    }

    /// <summary>How <see cref="Avx512Block8x32"/> puts one row of its block (32 sums) into the output.</summary>
    internal interface IBlockRowStore
    {
        /// <summary>Row <paramref name="row"/>'s sums <paramref name="v0"/>, <paramref name="v1"/> at
        /// <paramref name="c"/>, after <c>act(Σ + bias[row] + residual)</c> in <see cref="ConvEpilogue.Row"/>'s order.</summary>
        void Store(Vector512<float> v0, Vector512<float> v1, float* c, int row, float* bias, float* residual, bool relu);
    }

    /// <summary>
    /// 8 rows × 16 columns, AVX-512: <see cref="Avx512Kernel8x32"/>'s first 16 columns (the same FMA chain per column,
    /// so the same bits), for edge blocks of at most 16 columns, which the 32-column block would compute at twice the cost.
    /// </summary>
    public static void Avx512Kernel8x16(int k, float* a, float* b, int* offsets, float* c, nint ldc)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + offsets[p]);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            a += 8;
        }
        c0.Store(c); c1.Store(c + ldc); c2.Store(c + 2 * ldc); c3.Store(c + 3 * ldc);
        c4.Store(c + 4 * ldc); c5.Store(c + 5 * ldc); c6.Store(c + 6 * ldc); c7.Store(c + 7 * ldc);
    }

    /// <summary>A row of an 8×32 block stored whole, its epilogue (if any) applied first.</summary>
    private readonly struct RowStore : IBlockRowStore
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector512<float> v0, Vector512<float> v1, float* c, int row, float* bias, float* residual, bool relu)
        {
            if (bias != null)
            {
                var b = Vector512.Create(bias[row]);
                v0 += b;
                v1 += b;
            }
            if (residual != null)
            {
                v0 += Vector512.Load(residual);
                v1 += Vector512.Load(residual + 16);
            }
            if (relu)
            {
                v0 = Vector512.Max(v0, Vector512<float>.Zero);
                v1 = Vector512.Max(v1, Vector512<float>.Zero);
            }
            v0.Store(c);
            v1.Store(c + 16);
        }
    }

    /// <summary>4 rows × 16 columns, AVX2 with FMA.</summary>
    public static void Avx2Kernel4x16(int k, float* a, float* b, int* offsets, float* c, nint ldc)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < k; p++)
        {
            float* bp = b + offsets[p];
            Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00); c01 = Fma.MultiplyAdd(a0, b1, c01);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10); c11 = Fma.MultiplyAdd(a1, b1, c11);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20); c21 = Fma.MultiplyAdd(a2, b1, c21);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30); c31 = Fma.MultiplyAdd(a3, b1, c31);
            a += 4;
        }
        c00.Store(c); c01.Store(c + 8); c += ldc;
        c10.Store(c); c11.Store(c + 8); c += ldc;
        c20.Store(c); c21.Store(c + 8); c += ldc;
        c30.Store(c); c31.Store(c + 8);
    }

    /// <summary>4 rows × 8 columns in plain loops (fused multiply-add per element, as the vector kernels).</summary>
    public static void ScalarKernel4x8(int k, float* a, float* b, int* offsets, float* c, nint ldc)
    {
        float* acc = stackalloc float[32];
        for (int i = 0; i < 32; i++) acc[i] = 0f;
        for (int p = 0; p < k; p++)
        {
            float* bp = b + offsets[p];
            for (int r = 0; r < 4; r++)
            for (int j = 0; j < 8; j++)
                acc[r * 8 + j] = MathF.FusedMultiplyAdd(a[r], bp[j], acc[r * 8 + j]);
            a += 4;
        }
        for (int r = 0; r < 4; r++)
        for (int j = 0; j < 8; j++)
            c[r * ldc + j] = acc[r * 8 + j];
    }
}
