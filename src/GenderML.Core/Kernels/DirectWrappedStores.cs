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
    public static void Avx512Kernel8x32(int k, float* a, float* b, int* offsets, float* output, nint channel,
        float* bias, float* residual, bool relu, int end1, int start2, int end2, nint shift)
    {
        var lanes = Vector512<int>.Indices;
        var high = lanes + Vector512.Create(16);
        var store = new WrappedRowStore(
            Vector512.LessThan(lanes, Vector512.Create(end1)).AsSingle(),
            Vector512.LessThan(high, Vector512.Create(end1)).AsSingle(),
            (Vector512.GreaterThanOrEqual(lanes, Vector512.Create(start2)) & Vector512.LessThan(lanes, Vector512.Create(end2))).AsSingle(),
            (Vector512.GreaterThanOrEqual(high, Vector512.Create(start2)) & Vector512.LessThan(high, Vector512.Create(end2))).AsSingle(),
            shift);
        DirectMicroKernels.Avx512Block8x32(k, a, b, offsets, output, channel, bias, residual, relu, store);
    }

    /// <summary>One output channel's 32 values: epilogue, then masked stores of the first row's lanes
    /// (<paramref name="First0"/>, <paramref name="First1"/>: the block's low and high 16 columns) at <c>output</c> and of
    /// the second row's (<paramref name="Second0"/>, <paramref name="Second1"/>) at <c>output − <paramref name="Shift"/></c>.</summary>
    private readonly record struct WrappedRowStore(Vector512<float> First0, Vector512<float> First1, Vector512<float> Second0,
        Vector512<float> Second1, nint Shift) : DirectMicroKernels.IBlockRowStore
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector512<float> v0, Vector512<float> v1, float* output, int row, float* bias, float* residual, bool relu)
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
                v0 += Avx512F.MaskLoad(residual - Shift, Second0, Avx512F.MaskLoad(residual, First0, Vector512<float>.Zero));
                v1 += Avx512F.MaskLoad(residual - Shift + 16, Second1,
                    Avx512F.MaskLoad(residual + 16, First1, Vector512<float>.Zero));
            }
            if (relu)
            {
                v0 = Vector512.Max(v0, Vector512<float>.Zero);
                v1 = Vector512.Max(v1, Vector512<float>.Zero);
            }
            Avx512F.MaskStore(output, First0, v0);
            Avx512F.MaskStore(output + 16, First1, v1);
            Avx512F.MaskStore(output - Shift, Second0, v0);
            Avx512F.MaskStore(output - Shift + 16, Second1, v1);
        }
    }
}
