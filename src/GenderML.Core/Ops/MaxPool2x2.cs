using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Ops;

/// <summary>
/// 2×2, stride-2, unpadded max pooling of whole planes, the common case, vectorised with AVX-512 where present:
/// 16 windows per step. A row shorter than 16 windows still takes the vector path by running on into the next
/// row of the same plane, which is rewritten when its own turn comes (rows go in order); the last row of a plane never does.
/// </summary>
internal static class MaxPool2x2
{
    private static Vector512<int> DupLow => Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    private static Vector512<int> DupHigh => Vector512.Create(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
    private static Vector512<int> LaneBits => Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);

    /// <summary><c>out[y,x] = max(in[2y,2x], in[2y,2x+1], in[2y+1,2x], in[2y+1,2x+1])</c> over planes [start, end).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int height, int width, int start, int end)
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        int rounded = (ow + 15) & ~15;
        ref float src = ref MemoryMarshal.GetReference(input);
        ref float dst = ref MemoryMarshal.GetReference(output);
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        {
            int i0 = p * plane + 2 * y * width, i1 = i0 + width, o0 = p * outPlane + y * ow;
            bool runOn = y < oh - 1 && rounded - ow <= (oh - 1 - y) * ow && i1 + 2 * rounded <= input.Length;
            int vectorEnd = !Avx512F.IsSupported ? 0 : runOn ? ow : ow & ~15;
            int x = 0;
            for (; x < vectorEnd; x += 16)
            {
                var a = Vector512.Max(Vector512.LoadUnsafe(ref src, (nuint)(i0 + 2 * x)), Vector512.LoadUnsafe(ref src, (nuint)(i1 + 2 * x)));
                var b = Vector512.Max(Vector512.LoadUnsafe(ref src, (nuint)(i0 + 2 * x + 16)), Vector512.LoadUnsafe(ref src, (nuint)(i1 + 2 * x + 16)));
                Vector512.Max(Avx512F.PermuteVar16x32x2(a, PermuteIndices.Evens, b), Avx512F.PermuteVar16x32x2(a, PermuteIndices.Odds, b)).StoreUnsafe(ref dst, (nuint)(o0 + x));
            }
            for (; x < ow; x++)
            {
                float a = Unsafe.Add(ref src, i0 + 2 * x), b = Unsafe.Add(ref src, i0 + 2 * x + 1);
                float c = Unsafe.Add(ref src, i1 + 2 * x), d = Unsafe.Add(ref src, i1 + 2 * x + 1);
                float ab = a > b ? a : b, cd = c > d ? c : d;
                Unsafe.Add(ref dst, o0 + x) = ab >= cd ? ab : cd;
            }
        }
    }

    /// <summary>Overwrites the gradient of planes [start, end): each output's gradient goes to the first input of its window (row-major) equal to its maximum.
    /// With <paramref name="rectified"/>, only where that maximum is above 0 (the derivative of a ReLU before the pool, applied in the same pass).</summary>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int height, int width, int start, int end,
        bool rectified = false)
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        int rounded = (ow + 15) & ~15;
        // Every input of a window is written below; only an odd last row and column belong to none.
        if ((height & 1) != 0 || (width & 1) != 0)
            for (int p = start; p < end; p++)
            {
                var planeGrad = gradInput.Slice(p * plane, plane);
                if ((width & 1) != 0)
                    for (int r = 0; r < 2 * oh; r++) planeGrad[r * width + width - 1] = 0f;
                if ((height & 1) != 0) planeGrad.Slice((height - 1) * width, width).Clear();
            }
        ref float src = ref MemoryMarshal.GetReference(input);
        ref float dst = ref MemoryMarshal.GetReference(gradInput);
        ref float outRef = ref MemoryMarshal.GetReference(output);
        ref float goRef = ref MemoryMarshal.GetReference(gradOutput);
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        {
            int i0 = p * plane + 2 * y * width, i1 = i0 + width, o0 = p * outPlane + y * ow;
            // Running on is safe only when every lane of a row maps to a window (even width).
            bool runOn = (width & 1) == 0 && y < oh - 1 && rounded - ow <= (oh - 1 - y) * ow
                && i1 + 2 * rounded <= input.Length && o0 + rounded <= output.Length;
            int vectorEnd = !Avx512F.IsSupported ? 0 : runOn ? ow : ow & ~15;
            // Row 0 of every chunk first: when the last chunk runs on, it runs into row 1, which is stored after it.
            for (int row = 0; row < 2; row++)
            {
                int target = row == 0 ? i0 : i1;
                for (int v = 0; v < vectorEnd; v += 16)
                {
                    var m = Vector512.LoadUnsafe(ref outRef, (nuint)(o0 + v));
                    var g = Vector512.LoadUnsafe(ref goRef, (nuint)(o0 + v));
                    if (rectified) g &= Vector512.GreaterThan(m, Vector512<float>.Zero);
                    var (lo0, lo1) = Route(ref Unsafe.Add(ref src, i0 + 2 * v), ref Unsafe.Add(ref src, i1 + 2 * v),
                        Avx512F.PermuteVar16x32(m, DupLow), Avx512F.PermuteVar16x32(g, DupLow));
                    var (hi0, hi1) = Route(ref Unsafe.Add(ref src, i0 + 2 * v + 16), ref Unsafe.Add(ref src, i1 + 2 * v + 16),
                        Avx512F.PermuteVar16x32(m, DupHigh), Avx512F.PermuteVar16x32(g, DupHigh));
                    (row == 0 ? lo0 : lo1).StoreUnsafe(ref dst, (nuint)(target + 2 * v));
                    (row == 0 ? hi0 : hi1).StoreUnsafe(ref dst, (nuint)(target + 2 * v + 16));
                }
            }
            int x = vectorEnd == 0 ? 0 : (vectorEnd + 15) & ~15;
            for (; x < ow; x++)
            {
                float m = Unsafe.Add(ref outRef, o0 + x), g = Unsafe.Add(ref goRef, o0 + x);
                if (rectified && !(m > 0f)) g = 0f;
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

    /// <summary>
    /// Eight windows: <paramref name="m"/> and <paramref name="g"/> hold each window's maximum and gradient twice
    /// (lanes 2j, 2j+1); returns the gradients of rows 0 and 1, each window's going to the first of
    /// a, b (row 0, lanes 2j, 2j+1), c, d (row 1) equal to its maximum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Row0, Vector512<float> Row1) Route(ref float r0, ref float r1, Vector512<float> m, Vector512<float> g)
    {
        uint e0 = (uint)Vector512.ExtractMostSignificantBits(Vector512.Equals(Vector512.LoadUnsafe(ref r0), m));
        uint e1 = (uint)Vector512.ExtractMostSignificantBits(Vector512.Equals(Vector512.LoadUnsafe(ref r1), m));
        const uint even = 0x5555;
        uint a = e0 & even;
        uint b = (e0 >> 1) & even & ~a;
        uint c = e1 & even & ~a & ~b;
        uint d = even & ~a & ~b & ~c;
        var keep0 = ~Vector512.Equals(Vector512.Create((int)(a | (b << 1))) & LaneBits, Vector512<int>.Zero);
        var keep1 = ~Vector512.Equals(Vector512.Create((int)(c | (d << 1))) & LaneBits, Vector512<int>.Zero);
        return (g & keep0.AsSingle(), g & keep1.AsSingle());
    }
}
