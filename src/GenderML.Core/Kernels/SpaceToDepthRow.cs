using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// One image row split by column parity for <see cref="DirectConvolution"/>'s stride-2 planes, 16 columns at a time
/// on AVX-512: <c>even[u] = padded[2u]</c>, <c>odd[u] = padded[2u + 1]</c> for u &lt; W2, where
/// <c>padded[t] = row[t − padLeft]</c> inside the row and 0 outside. A copy, so the same values as the scalar loop.
/// </summary>
internal static unsafe class SpaceToDepthRow
{
    private static readonly Vector512<int> Evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> Odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);

    /// <summary>Whether <see cref="Split"/> runs on this machine for half-rows of <paramref name="w2"/> floats (its
    /// buffer is on the stack).</summary>
    public static bool Takes(int w2) => Avx512F.IsSupported && w2 <= 2048;

    /// <summary>Writes <paramref name="w2"/> floats to each of <paramref name="even"/> and <paramref name="odd"/>
    /// from the <paramref name="width"/> floats of <paramref name="row"/> shifted right by <paramref name="padLeft"/>.
    /// </summary>
    public static void Split(float* row, int width, int padLeft, float* even, float* odd, int w2)
    {
        // The padded row in a buffer with zeros around it, so every load is whole.
        int vectors = (w2 + 15) >> 4, length = 32 * vectors;
        float* buffer = stackalloc float[length];
        int inside = Math.Max(0, Math.Min(width, length - padLeft));
        new Span<float>(buffer, Math.Min(padLeft, length)).Clear();
        new ReadOnlySpan<float>(row, inside).CopyTo(new Span<float>(buffer + padLeft, inside));
        if (padLeft + inside < length) new Span<float>(buffer + padLeft + inside, length - padLeft - inside).Clear();
        int u = 0;
        for (; u + 16 <= w2; u += 16)
        {
            Vector512<float> lo = Vector512.Load(buffer + 2 * u), hi = Vector512.Load(buffer + 2 * u + 16);
            Avx512F.PermuteVar16x32x2(lo, Evens, hi).Store(even + u);
            Avx512F.PermuteVar16x32x2(lo, Odds, hi).Store(odd + u);
        }
        for (; u < w2; u++)
        {
            even[u] = buffer[2 * u];
            odd[u] = buffer[2 * u + 1];
        }
    }
}
