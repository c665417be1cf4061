using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GenderML.Core.Ops;

namespace GenderML.Core.Kernels;

/// <summary>
/// The direct convolution with its ReLU and a plain 2×2 max pool in its output pass for training: besides
/// <c>pool(relu(conv(x) + b))</c> it records which input of each window is the first (row-major) to equal the
/// window's maximum (0 to 3), what the pool's backward pass needs instead of the convolution's output, which is never
/// written (<see cref="MaxPoolArgmax"/>).
/// </summary>
internal static unsafe partial class DirectConvolution
{
    /// <summary>Whether <see cref="ForwardPooledArgmax"/> takes the convolution <paramref name="g"/> and the pool
    /// <paramref name="pool"/> of its output: <see cref="HandlesPooled"/>, a plain 2×2 pool, an even output.</summary>
    public static bool HandlesPooledArgmax(in ConvGeometry g, in PoolGeometry pool) =>
        HandlesPooled(g, pool) && pool.IsPlain2x2 && (g.OutHeight & 1) == 0 && (g.OutWidth & 1) == 0;

    /// <summary>
    /// Writes <c>pool(relu(conv(x) + b))</c> (N×OC×PH×PW) to <paramref name="output"/> and each window's first maximum
    /// to <paramref name="argmax"/> (one byte per pooled value: 0, 1 for the top row, 2, 3 for the bottom one);
    /// <c>ops.Relu</c> must be set.
    /// </summary>
    public static void ForwardPooledArgmax(in ConvOperands ops, in PoolGeometry pool, float* output, byte* argmax, int threads, GemmIsa isa)
    {
        if (!ops.Relu || !HandlesPooledArgmax(ops.G, pool))
            throw new ArgumentException("DirectConvolution.ForwardPooledArgmax: needs a ReLU and a plain 2×2 pool of an even output");
        ForwardPooled(ops, pool, output, argmax, float.NaN, threads, isa);
    }

    /// <summary>
    /// One pooled row of a 2×2 pool from the two convolution rows at <paramref name="rows"/> (<paramref name="pitch"/>
    /// floats apart): <c>t = v + bias</c>, <c>dst[x] = relu(max t)</c>, <c>arg[x]</c> = the first of the window's four
    /// <c>t</c> equal to that maximum — the input the pool's backward pass after the ReLU routes to.
    /// </summary>
    internal static void PoolRowArgmax(float* rows, int pitch, int width, float bias, float* dst, byte* arg, bool vector)
    {
        int x = 0;
        if (vector && Avx512F.IsSupported)
        {
            // The last step's loads may run up to 30 floats past the second row (the scratch C has the slack);
            // its stores go through a buffer.
            float* tail = stackalloc float[16];
            byte* tailArg = stackalloc byte[16];
            var b = Vector512.Create(bias);
            Vector512<int> one = Vector512.Create(1), two = Vector512.Create(2), three = Vector512.Create(3);
            for (; x < width; x += 16)
            {
                Vector512<float> lo0 = Vector512.Load(rows + 2 * x) + b, hi0 = Vector512.Load(rows + 2 * x + 16) + b;
                Vector512<float> lo1 = Vector512.Load(rows + pitch + 2 * x) + b, hi1 = Vector512.Load(rows + pitch + 2 * x + 16) + b;
                var ta = Avx512F.PermuteVar16x32x2(lo0, PermuteIndices.Evens, hi0);
                var tb = Avx512F.PermuteVar16x32x2(lo0, PermuteIndices.Odds, hi0);
                var tc = Avx512F.PermuteVar16x32x2(lo1, PermuteIndices.Evens, hi1);
                var td = Avx512F.PermuteVar16x32x2(lo1, PermuteIndices.Odds, hi1);
                var m = Vector512.Max(Vector512.Max(ta, tb), Vector512.Max(tc, td));
                var index = Vector512.ConditionalSelect(Vector512.Equals(tc, m).AsInt32(), two, three);
                index = Vector512.ConditionalSelect(Vector512.Equals(tb, m).AsInt32(), one, index);
                index = Vector512.ConditionalSelect(Vector512.Equals(ta, m).AsInt32(), Vector512<int>.Zero, index);
                var y = Vector512.Max(m, Vector512<float>.Zero);
                var bytes = Avx512F.ConvertToVector128Byte(index);
                if (x + 16 <= width)
                {
                    y.Store(dst + x);
                    bytes.Store(arg + x);
                }
                else if (x + 8 == width) // an 8-window tail (cnn2's 24-wide rows): the low halves
                {
                    y.GetLower().Store(dst + x);
                    *(ulong*)(arg + x) = bytes.AsUInt64().ToScalar();
                }
                else
                {
                    y.Store(tail);
                    bytes.Store(tailArg);
                    new ReadOnlySpan<float>(tail, width - x).CopyTo(new Span<float>(dst + x, width - x));
                    new ReadOnlySpan<byte>(tailArg, width - x).CopyTo(new Span<byte>(arg + x, width - x));
                }
            }
            return;
        }
        for (; x < width; x++)
        {
            float a = rows[2 * x] + bias, bb = rows[2 * x + 1] + bias, c = rows[pitch + 2 * x] + bias, d = rows[pitch + 2 * x + 1] + bias;
            float m = MathF.Max(MathF.Max(a, bb), MathF.Max(c, d));
            arg[x] = a == m ? (byte)0 : bb == m ? (byte)1 : c == m ? (byte)2 : (byte)3;
            dst[x] = MathF.Max(m, 0f);
        }
    }
}
