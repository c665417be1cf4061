using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Ops;

/// <summary>2×2, stride-2, unpadded max pooling of whole planes, the common case, vectorised with AVX-512 where present.</summary>
internal static class MaxPool2x2
{
    private static readonly Vector512<int> Evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> Odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);

    /// <summary><c>out[y,x] = max(in[2y,2x], in[2y,2x+1], in[2y+1,2x], in[2y+1,2x+1])</c> over planes [start, end).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int height, int width, int start, int end)
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        ref float src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input);
        ref float dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output);
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
            Row(ref Unsafe.Add(ref src, p * plane + 2 * y * width), ref Unsafe.Add(ref src, p * plane + (2 * y + 1) * width),
                ref Unsafe.Add(ref dst, p * outPlane + y * ow), ow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(ref float r0, ref float r1, ref float o, int ow)
    {
        int x = 0;
        if (Avx512F.IsSupported)
        {
            for (; x <= ow - 16; x += 16)
            {
                var a = Vector512.Max(Vector512.LoadUnsafe(ref r0, (nuint)(2 * x)), Vector512.LoadUnsafe(ref r1, (nuint)(2 * x)));
                var b = Vector512.Max(Vector512.LoadUnsafe(ref r0, (nuint)(2 * x + 16)), Vector512.LoadUnsafe(ref r1, (nuint)(2 * x + 16)));
                var m = Vector512.Max(Avx512F.PermuteVar16x32x2(a, Evens, b), Avx512F.PermuteVar16x32x2(a, Odds, b));
                m.StoreUnsafe(ref o, (nuint)x);
            }
        }
        for (; x < ow; x++)
        {
            float a = Unsafe.Add(ref r0, 2 * x), b = Unsafe.Add(ref r0, 2 * x + 1), c = Unsafe.Add(ref r1, 2 * x), d = Unsafe.Add(ref r1, 2 * x + 1);
            float ab = a > b ? a : b, cd = c > d ? c : d;
            Unsafe.Add(ref o, x) = ab >= cd ? ab : cd;
        }
    }

    /// <summary>Overwrites the gradient of planes [start, end): each output's gradient goes to the first input of its window (row-major) equal to its maximum.</summary>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int height, int width, int start, int end)
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        if ((height & 1) != 0 || (width & 1) != 0) gradInput.Slice(start * plane, (end - start) * plane).Clear();
        ref float src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input);
        ref float dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(gradInput);
        ref float outRef = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output);
        ref float goRef = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(gradOutput);
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        {
            int i0 = p * plane + 2 * y * width, i1 = i0 + width, o0 = p * outPlane + y * ow;
            for (int x = 0; x < ow; x++)
            {
                float m = Unsafe.Add(ref outRef, o0 + x), g = Unsafe.Add(ref goRef, o0 + x);
                int a = i0 + 2 * x, c = i1 + 2 * x;
                bool ta = Unsafe.Add(ref src, a) == m;
                bool tb = !ta & Unsafe.Add(ref src, a + 1) == m;
                bool tc = !(ta | tb) & Unsafe.Add(ref src, c) == m;
                bool td = !(ta | tb | tc);
                Unsafe.Add(ref dst, a) = ta ? g : 0f;
                Unsafe.Add(ref dst, a + 1) = tb ? g : 0f;
                Unsafe.Add(ref dst, c) = tc ? g : 0f;
                Unsafe.Add(ref dst, c + 1) = td ? g : 0f;
            }
        }
    }
}
