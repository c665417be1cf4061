using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// <see cref="DirectMicroKernels.Avx512Kernel8x32"/> with the <see cref="ConvEpilogue"/> applied in registers:
/// <c>C[r, j] = act(Σ_p A[r, p]·B[p, j] + bias[r] + residual[r, j])</c> for 8 rows × 32 columns, stored once. For the
/// 1×1 convolutions, whose K is short (16–512), where a separate pass over each block costs as much as its K steps.
/// The additions are in <see cref="ConvEpilogue.Row"/>'s order, so the results are the same bit for bit.
/// </summary>
internal static unsafe class PointwiseMicroKernel
{
    /// <summary>
    /// The block at <paramref name="c"/> (row stride <paramref name="ldc"/>); <paramref name="bias"/> (8 values) and
    /// <paramref name="residual"/> (same row stride as C) may be null.
    /// </summary>
    public static void Avx512Kernel8x32(int k, float* a, float* b, int* offsets, float* c, nint ldc, float* bias,
        float* residual, bool relu)
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
        Store(c00, c01, c, 0, bias, residual, relu);
        Store(c10, c11, c + ldc, 1, bias, residual == null ? null : residual + ldc, relu);
        Store(c20, c21, c + 2 * ldc, 2, bias, residual == null ? null : residual + 2 * ldc, relu);
        Store(c30, c31, c + 3 * ldc, 3, bias, residual == null ? null : residual + 3 * ldc, relu);
        Store(c40, c41, c + 4 * ldc, 4, bias, residual == null ? null : residual + 4 * ldc, relu);
        Store(c50, c51, c + 5 * ldc, 5, bias, residual == null ? null : residual + 5 * ldc, relu);
        Store(c60, c61, c + 6 * ldc, 6, bias, residual == null ? null : residual + 6 * ldc, relu);
        Store(c70, c71, c + 7 * ldc, 7, bias, residual == null ? null : residual + 7 * ldc, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v0, Vector512<float> v1, float* c, int row, float* bias, float* residual,
        bool relu)
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
