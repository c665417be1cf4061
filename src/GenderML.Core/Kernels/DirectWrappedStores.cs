using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// <see cref="DirectConvolution"/>'s 8×32 AVX-512 register block stored straight into the output, no scratch C and no
/// copy pass: its 32 flat positions (<c>q = y·RowWidth + x</c>, RowWidth ≥ 32) cover the end of one output row and
/// the start of the next; lanes with x &lt; OW of the first row go to <c>out</c>, those of the second row to
/// <c>out − (RowWidth − OW)</c>, each through a masked store (lanes with x ≥ OW, or past the band, are dropped). The
/// same FMA chain per value as <see cref="DirectMicroKernels.Avx512Kernel8x32"/> and <see cref="ConvEpilogue.Row"/>'s
/// epilogue order, so the same bits.
/// </summary>
internal static unsafe class DirectWrappedStores
{
    /// <summary>
    /// 8 output channels (stride <paramref name="channel"/> in the output) × 32 positions. Lanes [0, <paramref name="end1"/>)
    /// are stored at <c>out + lane</c>, lanes [<paramref name="start2"/>, <paramref name="end2"/>) at
    /// <c>out − <paramref name="shift"/> + lane</c>; <paramref name="residual"/> (may be null) is laid out as the output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Kernel8x32(int k, float* a, float* b, int* offsets, float* output, nint channel,
        float* bias, float* residual, bool relu, int end1, int start2, int end2, nint shift)
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
        var lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var high = lanes + Vector512.Create(16);
        var masks = new Masks(
            Vector512.LessThan(lanes, Vector512.Create(end1)).AsSingle(),
            Vector512.LessThan(high, Vector512.Create(end1)).AsSingle(),
            (Vector512.GreaterThanOrEqual(lanes, Vector512.Create(start2)) & Vector512.LessThan(lanes, Vector512.Create(end2))).AsSingle(),
            (Vector512.GreaterThanOrEqual(high, Vector512.Create(start2)) & Vector512.LessThan(high, Vector512.Create(end2))).AsSingle());
        Store(c00, c01, output, 0, bias, residual, relu, shift, masks);
        Store(c10, c11, output + channel, 1, bias, residual == null ? null : residual + channel, relu, shift, masks);
        Store(c20, c21, output + 2 * channel, 2, bias, residual == null ? null : residual + 2 * channel, relu, shift, masks);
        Store(c30, c31, output + 3 * channel, 3, bias, residual == null ? null : residual + 3 * channel, relu, shift, masks);
        Store(c40, c41, output + 4 * channel, 4, bias, residual == null ? null : residual + 4 * channel, relu, shift, masks);
        Store(c50, c51, output + 5 * channel, 5, bias, residual == null ? null : residual + 5 * channel, relu, shift, masks);
        Store(c60, c61, output + 6 * channel, 6, bias, residual == null ? null : residual + 6 * channel, relu, shift, masks);
        Store(c70, c71, output + 7 * channel, 7, bias, residual == null ? null : residual + 7 * channel, relu, shift, masks);
    }

    /// <summary>Lanes of the first row and of the second, for the block's low and high 16 columns.</summary>
    private readonly record struct Masks(Vector512<float> First0, Vector512<float> First1, Vector512<float> Second0,
        Vector512<float> Second1);

    /// <summary>One output channel's 32 values: epilogue, then the two rows' masked stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v0, Vector512<float> v1, float* output, int row, float* bias,
        float* residual, bool relu, nint shift, in Masks m)
    {
        if (bias != null)
        {
            var b = Vector512.Create(bias[row]);
            v0 += b;
            v1 += b;
        }
        if (residual != null)
        {
            // Masked-off lanes are not read.
            v0 += Avx512F.MaskLoad(residual - shift, m.Second0, Avx512F.MaskLoad(residual, m.First0, Vector512<float>.Zero));
            v1 += Avx512F.MaskLoad(residual - shift + 16, m.Second1,
                Avx512F.MaskLoad(residual + 16, m.First1, Vector512<float>.Zero));
        }
        if (relu)
        {
            v0 = Vector512.Max(v0, Vector512<float>.Zero);
            v1 = Vector512.Max(v1, Vector512<float>.Zero);
        }
        Avx512F.MaskStore(output, m.First0, v0);
        Avx512F.MaskStore(output + 16, m.First1, v1);
        Avx512F.MaskStore(output - shift, m.Second0, v0);
        Avx512F.MaskStore(output - shift + 16, m.Second1, v1);
    }
}
