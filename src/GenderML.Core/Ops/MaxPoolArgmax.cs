using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Ops;

/// <summary>
/// The backward pass of a plain 2×2 max pool of an even-sized map from the index of each window's first maximum
/// (0, 1: top row, 2, 3: bottom row; recorded by the forward pass, which may have pooled the map without writing it)
/// instead of the map itself, and the pool's forward pass that records them; 16 windows per step with AVX-512. The
/// values are those of <see cref="MaxPool2x2.Forward"/> and <see cref="MaxPool2x2.Backward"/>.
/// </summary>
internal static unsafe class MaxPoolArgmax
{
    private static Vector512<int> LaneIndex => Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    /// <summary>
    /// <see cref="MaxPool2x2.Forward"/> of planes [start, end) (each <paramref name="height"/>×<paramref name="width"/>,
    /// both even), the same bits, recording in <paramref name="argmax"/> the index <see cref="Backward"/> routes by:
    /// the first of the window's inputs (0, 1: top row, 2, 3: bottom row) equal to its maximum, 3 when none is (a NaN),
    /// as <see cref="MaxPool2x2.Backward"/> picks it from the map; <paramref name="vector"/> false takes the scalar
    /// path (tests).
    /// </summary>
    public static void Forward(float* input, float* output, byte* argmax, int height, int width, int start, int end,
        bool vector = true)
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        int rounded = (ow + 15) & ~15;
        vector &= Avx512F.IsSupported;
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        {
            float* r0 = input + (long)p * plane + 2 * y * width, r1 = r0 + width;
            long o0 = (long)p * outPlane + y * ow;
            // As MaxPool2x2.Forward: a short row runs on into the next rows of its plane, rewritten in their turn.
            bool runOn = y < oh - 1 && rounded - ow <= (oh - 1 - y) * ow;
            int vectorEnd = !vector ? 0 : runOn ? ow : ow & ~15;
            int x = 0;
            for (; x < vectorEnd; x += 16)
            {
                var a0 = Vector512.Load(r0 + 2 * x);
                var b0 = Vector512.Load(r0 + 2 * x + 16);
                var a1 = Vector512.Load(r1 + 2 * x);
                var b1 = Vector512.Load(r1 + 2 * x + 16);
                var a = Vector512.Max(a0, a1);
                var b = Vector512.Max(b0, b1);
                var m = Vector512.Max(Avx512F.PermuteVar16x32x2(a, PermuteIndices.Evens, b), Avx512F.PermuteVar16x32x2(a, PermuteIndices.Odds, b));
                m.Store(output + o0 + x);
                var ta = Vector512.Equals(Avx512F.PermuteVar16x32x2(a0, PermuteIndices.Evens, b0), m).AsInt32();
                var tb = Vector512.Equals(Avx512F.PermuteVar16x32x2(a0, PermuteIndices.Odds, b0), m).AsInt32();
                var tc = Vector512.Equals(Avx512F.PermuteVar16x32x2(a1, PermuteIndices.Evens, b1), m).AsInt32();
                var index = Vector512.ConditionalSelect(ta, Vector512<int>.Zero,
                    Vector512.ConditionalSelect(tb, Vector512.Create(1), Vector512.ConditionalSelect(tc, Vector512.Create(2), Vector512.Create(3))));
                Avx512F.ConvertToVector128Byte(index).Store(argmax + o0 + x);
            }
            for (; x < ow; x++)
            {
                float a = r0[2 * x], b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1];
                float ab = a > b ? a : b, cd = c > d ? c : d;
                float m = ab >= cd ? ab : cd;
                output[o0 + x] = m;
                argmax[o0 + x] = (byte)(a == m ? 0 : b == m ? 1 : c == m ? 2 : 3);
            }
        }
    }

    /// <summary>
    /// Overwrites the gradient of planes [start, end) (each <paramref name="height"/>×<paramref name="width"/>, both
    /// even): every output's gradient goes to the input <paramref name="argmax"/> names, zeros elsewhere; with
    /// <paramref name="rectified"/> only where the output is above 0 (a ReLU's derivative before the pool);
    /// <paramref name="vector"/> false takes the scalar path (tests).
    /// </summary>
    public static void Backward(byte* argmax, float* output, float* gradOutput, float* gradInput, int height, int width,
        int start, int end, bool rectified, bool vector = true)
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        vector &= Avx512F.IsSupported;
        byte* at = stackalloc byte[16];
        // Hoisted: this method (a stackalloc) is compiled once, fully optimised, and does not inline the getters.
        var interleaveLow = PermuteIndices.InterleaveLow;
        var interleaveHigh = PermuteIndices.InterleaveHigh;
        var laneIndex = LaneIndex;
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        {
            float* row0 = gradInput + (long)p * plane + 2 * y * width, row1 = row0 + width;
            long o0 = (long)p * outPlane + y * ow;
            int x = 0;
            if (vector)
                for (; x < ow; x += 16)
                {
                    int n = Math.Min(16, ow - x);
                    Vector512<float> g, m;
                    Vector512<int> index;
                    if (n == 16)
                    {
                        g = Vector512.Load(gradOutput + o0 + x);
                        m = Vector512.Load(output + o0 + x);
                        index = Avx512F.ConvertToVector512Int32(Vector128.Load(argmax + o0 + x));
                    }
                    else if (n == 8) // an 8-window tail (cnn2's 24-wide rows): half vectors, no buffers
                    {
                        g = Vector512.Create(Vector256.Load(gradOutput + o0 + x), Vector256<float>.Zero);
                        m = Vector512.Create(Vector256.Load(output + o0 + x), Vector256<float>.Zero);
                        index = Avx512F.ConvertToVector512Int32(Vector128.CreateScalar(*(ulong*)(argmax + o0 + x)).AsByte());
                    }
                    else
                    {
                        // A row's last, partial step: masked loads and stores, nothing past the row written. The 16
                        // indices may be read past the row but not past the planes' end.
                        var lanes = Vector512.LessThan(laneIndex, Vector512.Create(n)).AsSingle();
                        g = Avx512F.MaskLoad(gradOutput + o0 + x, lanes, Vector512<float>.Zero);
                        m = Avx512F.MaskLoad(output + o0 + x, lanes, Vector512<float>.Zero);
                        if (o0 + x + 16 <= end * (long)outPlane) index = Avx512F.ConvertToVector512Int32(Vector128.Load(argmax + o0 + x));
                        else
                        {
                            new ReadOnlySpan<byte>(argmax + o0 + x, n).CopyTo(new Span<byte>(at, 16));
                            index = Avx512F.ConvertToVector512Int32(Vector128.Load(at));
                        }
                    }
                    if (rectified) g &= Vector512.GreaterThan(m, Vector512<float>.Zero);
                    var ga = g & Vector512.Equals(index, Vector512<int>.Zero).AsSingle();
                    var gb = g & Vector512.Equals(index, Vector512.Create(1)).AsSingle();
                    var gc = g & Vector512.Equals(index, Vector512.Create(2)).AsSingle();
                    var gd = g & Vector512.Equals(index, Vector512.Create(3)).AsSingle();
                    var r00 = Avx512F.PermuteVar16x32x2(ga, interleaveLow, gb);
                    var r01 = Avx512F.PermuteVar16x32x2(ga, interleaveHigh, gb);
                    var r10 = Avx512F.PermuteVar16x32x2(gc, interleaveLow, gd);
                    var r11 = Avx512F.PermuteVar16x32x2(gc, interleaveHigh, gd);
                    if (n == 16)
                    {
                        r00.Store(row0 + 2 * x);
                        r01.Store(row0 + 2 * x + 16);
                        r10.Store(row1 + 2 * x);
                        r11.Store(row1 + 2 * x + 16);
                    }
                    else if (n == 8)
                    {
                        r00.Store(row0 + 2 * x);
                        r10.Store(row1 + 2 * x);
                    }
                    else if (n < 8)
                    {
                        var lanes = Vector512.LessThan(laneIndex, Vector512.Create(2 * n)).AsSingle();
                        Avx512F.MaskStore(row0 + 2 * x, lanes, r00);
                        Avx512F.MaskStore(row1 + 2 * x, lanes, r10);
                    }
                    else
                    {
                        var lanes = Vector512.LessThan(laneIndex, Vector512.Create(2 * n - 16)).AsSingle();
                        r00.Store(row0 + 2 * x);
                        Avx512F.MaskStore(row0 + 2 * x + 16, lanes, r01);
                        r10.Store(row1 + 2 * x);
                        Avx512F.MaskStore(row1 + 2 * x + 16, lanes, r11);
                    }
                }
            for (; x < ow; x++)
            {
                float g = gradOutput[o0 + x];
                if (rectified && !(output[o0 + x] > 0f)) g = 0f;
                int index = argmax[o0 + x];
                row0[2 * x] = index == 0 ? g : 0f;
                row0[2 * x + 1] = index == 1 ? g : 0f;
                row1[2 * x] = index == 2 ? g : 0f;
                row1[2 * x + 1] = index == 3 ? g : 0f;
            }
        }
    }
}
