using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Ops;

/// <summary>
/// 2×2, stride-2, unpadded average pooling of whole planes, 16 windows per step on AVX-512 (the even and odd lanes of
/// two row pairs split by permutes), the rest one at a time. Each window's sum runs in the naive twin's order
/// (<see cref="Pooling.AvgForwardReference"/>: 0, then row-major) and is divided by 4, so the two agree bit for bit.
/// </summary>
internal static class AvgPool2x2
{

    /// <summary><c>out[y,x] = (in[2y,2x] + in[2y,2x+1] + in[2y+1,2x] + in[2y+1,2x+1]) / 4</c> over planes [start, end).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int height, int width, int start, int end)
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        if ((long)end * plane > input.Length || (long)end * outPlane > output.Length)
            throw new ArgumentException("AvgPool2x2: the spans are shorter than the planes");
        int vectorEnd = Avx512F.IsSupported ? ow & ~15 : 0;
        ref float src = ref MemoryMarshal.GetReference(input);
        ref float dst = ref MemoryMarshal.GetReference(output);
        var quarter = Vector512.Create(4f);
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        {
            int i0 = p * plane + 2 * y * width, i1 = i0 + width, o0 = p * outPlane + y * ow;
            int x = 0;
            for (; x < vectorEnd; x += 16)
            {
                Vector512<float> a = Vector512.LoadUnsafe(ref src, (nuint)(i0 + 2 * x)), b = Vector512.LoadUnsafe(ref src, (nuint)(i0 + 2 * x + 16));
                Vector512<float> c = Vector512.LoadUnsafe(ref src, (nuint)(i1 + 2 * x)), d = Vector512.LoadUnsafe(ref src, (nuint)(i1 + 2 * x + 16));
                var sum = Vector512<float>.Zero + Avx512F.PermuteVar16x32x2(a, PermuteIndices.Evens, b);
                sum += Avx512F.PermuteVar16x32x2(a, PermuteIndices.Odds, b);
                sum += Avx512F.PermuteVar16x32x2(c, PermuteIndices.Evens, d);
                sum += Avx512F.PermuteVar16x32x2(c, PermuteIndices.Odds, d);
                (sum / quarter).StoreUnsafe(ref dst, (nuint)(o0 + x));
            }
            for (; x < ow; x++)
            {
                float sum = 0f;
                sum += Unsafe.Add(ref src, i0 + 2 * x);
                sum += Unsafe.Add(ref src, i0 + 2 * x + 1);
                sum += Unsafe.Add(ref src, i1 + 2 * x);
                sum += Unsafe.Add(ref src, i1 + 2 * x + 1);
                Unsafe.Add(ref dst, o0 + x) = sum / 4f;
            }
        }
    }
}
