using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Ops;

/// <summary>
/// The backward pass of a plain 2×2 max pool of an even-sized map from the index of each window's first maximum
/// (0, 1: top row, 2, 3: bottom row; recorded by the forward pass that pooled the map without writing it) instead of
/// the map itself; 16 windows per step with AVX-512. The values are those of <see cref="MaxPool2x2.Backward"/>.
/// </summary>
internal static unsafe class MaxPoolArgmax
{

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
        float* gt = stackalloc float[16], mt = stackalloc float[16], t = stackalloc float[64];
        byte* at = stackalloc byte[16];
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
                        // A row's last, partial step: through buffers, so nothing past the row is read or written.
                        new ReadOnlySpan<float>(gradOutput + o0 + x, n).CopyTo(new Span<float>(gt, 16));
                        new ReadOnlySpan<float>(output + o0 + x, n).CopyTo(new Span<float>(mt, 16));
                        new ReadOnlySpan<byte>(argmax + o0 + x, n).CopyTo(new Span<byte>(at, 16));
                        g = Vector512.Load(gt);
                        m = Vector512.Load(mt);
                        index = Avx512F.ConvertToVector512Int32(Vector128.Load(at));
                    }
                    if (rectified) g &= Vector512.GreaterThan(m, Vector512<float>.Zero);
                    var ga = g & Vector512.Equals(index, Vector512<int>.Zero).AsSingle();
                    var gb = g & Vector512.Equals(index, Vector512.Create(1)).AsSingle();
                    var gc = g & Vector512.Equals(index, Vector512.Create(2)).AsSingle();
                    var gd = g & Vector512.Equals(index, Vector512.Create(3)).AsSingle();
                    var r00 = Avx512F.PermuteVar16x32x2(ga, PermuteIndices.InterleaveLow, gb);
                    var r01 = Avx512F.PermuteVar16x32x2(ga, PermuteIndices.InterleaveHigh, gb);
                    var r10 = Avx512F.PermuteVar16x32x2(gc, PermuteIndices.InterleaveLow, gd);
                    var r11 = Avx512F.PermuteVar16x32x2(gc, PermuteIndices.InterleaveHigh, gd);
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
                    else
                    {
                        r00.Store(t); r01.Store(t + 16); r10.Store(t + 32); r11.Store(t + 48);
                        new ReadOnlySpan<float>(t, 2 * n).CopyTo(new Span<float>(row0 + 2 * x, 2 * n));
                        new ReadOnlySpan<float>(t + 32, 2 * n).CopyTo(new Span<float>(row1 + 2 * x, 2 * n));
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
