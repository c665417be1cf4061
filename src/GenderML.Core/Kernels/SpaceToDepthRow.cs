using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// One image row split by column parity for <see cref="DirectConvolution"/>'s stride-2 planes, 16 columns at a time
/// on AVX-512 (masked loads from the row, no padded copy): <c>even[u] = padded[2u]</c>, <c>odd[u] = padded[2u + 1]</c> for u &lt; W2, where
/// <c>padded[t] = row[t − padLeft]</c> inside the row and 0 outside. A copy, so the same values as the scalar loop.
/// </summary>
internal static unsafe class SpaceToDepthRow
{
    /// <summary>Whether <see cref="Split"/> runs on this machine for half-rows of <paramref name="w2"/> floats.</summary>
    public static bool Takes(int w2) => Avx512F.IsSupported && w2 <= 2048;

    /// <summary>Writes <paramref name="w2"/> floats to each of <paramref name="even"/> and <paramref name="odd"/>
    /// from the <paramref name="width"/> floats of <paramref name="row"/> shifted right by <paramref name="padLeft"/>.
    /// </summary>
    public static void Split(float* row, int width, int padLeft, float* even, float* odd, int w2)
    {
        Vector512<int> evens = PermuteIndices.Evens, odds = PermuteIndices.Odds;
        // 32 padded columns a step as two masked loads straight from the row: lanes outside it read as zero (and
        // masked-off lanes are not read, so no fault before its first float or past its last).
        for (int u = 0; u < w2; u += 16)
        {
            int t = 2 * u - padLeft;
            Vector512<float> lo = Avx512F.MaskLoad(row + t, Inside(t, width), Vector512<float>.Zero);
            Vector512<float> hi = Avx512F.MaskLoad(row + t + 16, Inside(t + 16, width), Vector512<float>.Zero);
            Vector512<float> e = Avx512F.PermuteVar16x32x2(lo, evens, hi), o = Avx512F.PermuteVar16x32x2(lo, odds, hi);
            if (u + 16 <= w2)
            {
                e.Store(even + u);
                o.Store(odd + u);
            }
            else
            {
                var store = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(w2 - u)).AsSingle();
                Avx512F.MaskStore(even + u, store, e);
                Avx512F.MaskStore(odd + u, store, o);
            }
        }
    }

    /// <summary>Lanes whose column <c>t + lane</c> lies in [0, <paramref name="width"/>).</summary>
    private static Vector512<float> Inside(int t, int width) =>
        (Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(-t))
         & Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width - t)))
        .AsSingle();
}
