using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// Wider AVX-512 register blocks for <see cref="PointwiseConvolution"/>: 8 rows × 48 columns (three B vectors per K
/// step against eight broadcasts: 24 FMAs for 11 loads, where the 8×32 block of <see cref="DirectMicroKernels"/> has
/// 16 for 10), 8 × 49, whose 49th column (one more broadcast against the A sliver's 8 values) makes a 7×7 map one
/// block, and 4 × 64 for the last 64 columns of a run. Same operands and epilogue as
/// <see cref="DirectMicroKernels.Avx512Kernel8x32"/>, and the same FMA chain per value (Σ over K in order from 0), so
/// the same bits.
/// </summary>
internal static unsafe class PointwiseWideKernels
{
    /// <summary>8 rows × 48 columns (<paramref name="extra"/>: × 49), epilogue in registers before the only store.
    /// B row p is the 48 (49) floats at <c>b + p·pitch</c>; A a packed sliver, 8 values per K step.
    /// <paramref name="accumulate"/>: the sums start from the block's values in <paramref name="c"/> (the K steps before
    /// this call's, stored by a call without epilogue) instead of zero, so a K range split over calls sums in the same
    /// order.</summary>
    public static void Avx512Kernel8x48(int k, float* a, float* b, nint pitch, float* c, nint ldc, float* bias,
        float* residual, bool relu, bool extra, bool accumulate = false)
    {
        if (extra) Kernel<Yes>(k, a, b, pitch, c, ldc, bias, residual, relu, accumulate);
        else Kernel<No>(k, a, b, pitch, c, ldc, bias, residual, relu, accumulate);
    }

    private struct Yes;

    private struct No;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TExtra>(int k, float* a, float* b, nint pitch, float* c, nint ldc, float* bias,
        float* residual, bool relu, bool accumulate) where TExtra : struct
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        Vector256<float> last = default;
        if (accumulate)
        {
            (c00, c01, c02) = Load(c);
            (c10, c11, c12) = Load(c + ldc);
            (c20, c21, c22) = Load(c + 2 * ldc);
            (c30, c31, c32) = Load(c + 3 * ldc);
            (c40, c41, c42) = Load(c + 4 * ldc);
            (c50, c51, c52) = Load(c + 5 * ldc);
            (c60, c61, c62) = Load(c + 6 * ldc);
            (c70, c71, c72) = Load(c + 7 * ldc);
            if (typeof(TExtra) == typeof(Yes))
                last = Vector256.Create(c[48], c[ldc + 48], c[2 * ldc + 48], c[3 * ldc + 48], c[4 * ldc + 48],
                    c[5 * ldc + 48], c[6 * ldc + 48], c[7 * ldc + 48]);
        }
        float* bp = b;
        for (int p = 0; p < k; p++, bp += pitch)
        {
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16), b2 = Vector512.Load(bp + 32);
            if (typeof(TExtra) == typeof(Yes))
                last = Fma.MultiplyAdd(Vector256.Load(a), Vector256.Create(bp[48]), last);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a2, b2, c22);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a3, b2, c32);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a4, b2, c42);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a5, b2, c52);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60); c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            c62 = Avx512F.FusedMultiplyAdd(a6, b2, c62);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70); c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            c72 = Avx512F.FusedMultiplyAdd(a7, b2, c72);
            a += 8;
        }
        Store(c00, c01, c02, c, 0, bias, residual, relu);
        Store(c10, c11, c12, c + ldc, 1, bias, residual == null ? null : residual + ldc, relu);
        Store(c20, c21, c22, c + 2 * ldc, 2, bias, residual == null ? null : residual + 2 * ldc, relu);
        Store(c30, c31, c32, c + 3 * ldc, 3, bias, residual == null ? null : residual + 3 * ldc, relu);
        Store(c40, c41, c42, c + 4 * ldc, 4, bias, residual == null ? null : residual + 4 * ldc, relu);
        Store(c50, c51, c52, c + 5 * ldc, 5, bias, residual == null ? null : residual + 5 * ldc, relu);
        Store(c60, c61, c62, c + 6 * ldc, 6, bias, residual == null ? null : residual + 6 * ldc, relu);
        Store(c70, c71, c72, c + 7 * ldc, 7, bias, residual == null ? null : residual + 7 * ldc, relu);
        if (typeof(TExtra) == typeof(Yes))
        {
            // Column 48 of the 8 rows: the same epilogue, in the same order, one lane per row.
            if (bias != null) last += Vector256.Load(bias);
            for (int r = 0; r < 8; r++)
            {
                float v = last.GetElement(r);
                if (residual != null) v += residual[r * ldc + 48];
                if (relu) v = MathF.Max(v, 0f);
                c[r * ldc + 48] = v;
            }
        }
    }

    /// <summary>
    /// 4 rows × 64 columns (four B vectors against four broadcasts per K step), epilogue in registers before the only
    /// store: rows 0–3 of a packed 8-row sliver at <paramref name="a"/>, which steps 8 values per K step (so
    /// <c>a + 4</c> gives rows 4–7). Two of these end a run of columns 64 long, in place of an 8×48 block and a
    /// 16-column edge; same FMA chain and epilogue per value, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Kernel4x64(int k, float* a, float* b, nint pitch, float* c, nint ldc, float* bias,
        float* residual, bool relu)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        float* bp = b;
        for (int p = 0; p < k; p++, bp += pitch)
        {
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16);
            Vector512<float> b2 = Vector512.Load(bp + 32), b3 = Vector512.Load(bp + 48);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02); c03 = Avx512F.FusedMultiplyAdd(a0, b3, c03);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12); c13 = Avx512F.FusedMultiplyAdd(a1, b3, c13);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a2, b2, c22); c23 = Avx512F.FusedMultiplyAdd(a2, b3, c23);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a3, b2, c32); c33 = Avx512F.FusedMultiplyAdd(a3, b3, c33);
            a += 8;
        }
        Store(c00, c01, c02, c, 0, bias, residual, relu);
        Store(c03, c + 48, 0, bias, residual == null ? null : residual + 48, relu);
        Store(c10, c11, c12, c + ldc, 1, bias, residual == null ? null : residual + ldc, relu);
        Store(c13, c + ldc + 48, 1, bias, residual == null ? null : residual + ldc + 48, relu);
        Store(c20, c21, c22, c + 2 * ldc, 2, bias, residual == null ? null : residual + 2 * ldc, relu);
        Store(c23, c + 2 * ldc + 48, 2, bias, residual == null ? null : residual + 2 * ldc + 48, relu);
        Store(c30, c31, c32, c + 3 * ldc, 3, bias, residual == null ? null : residual + 3 * ldc, relu);
        Store(c33, c + 3 * ldc + 48, 3, bias, residual == null ? null : residual + 3 * ldc + 48, relu);
    }

    /// <summary>A block row's three vectors, as a call without epilogue stored them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>) Load(float* c) =>
        (Vector512.Load(c), Vector512.Load(c + 16), Vector512.Load(c + 32));

    /// <summary>Row <paramref name="row"/> of the block, its epilogue (if any) applied first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, float* c, int row,
        float* bias, float* residual, bool relu)
    {
        if (bias != null)
        {
            var b = Vector512.Create(bias[row]);
            v0 += b;
            v1 += b;
            v2 += b;
        }
        if (residual != null)
        {
            v0 += Vector512.Load(residual);
            v1 += Vector512.Load(residual + 16);
            v2 += Vector512.Load(residual + 32);
        }
        if (relu)
        {
            v0 = Vector512.Max(v0, Vector512<float>.Zero);
            v1 = Vector512.Max(v1, Vector512<float>.Zero);
            v2 = Vector512.Max(v2, Vector512<float>.Zero);
        }
        v0.Store(c);
        v1.Store(c + 16);
        v2.Store(c + 32);
    }

    /// <summary>One vector of row <paramref name="row"/>, its epilogue (if any) applied first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v, float* c, int row, float* bias, float* residual, bool relu)
    {
        if (bias != null) v += Vector512.Create(bias[row]);
        if (residual != null) v += Vector512.Load(residual);
        if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
        v.Store(c);
    }
}
