using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// A 3×3 depthwise convolution at stride 1 with one pixel of zero padding on every side and no bias, on a
/// <see cref="ChannelBlocks"/> image: each output pixel of a block is nine vector FMAs over its neighbours' vectors,
/// all 16 lanes busy whatever the map's width (the plain layout's rows of 7, 14 or 28 floats fill vectors partly).
/// A sliding window of three columns keeps each input vector loaded once per row.
/// </summary>
/// <remarks>
/// Each value is the FMA chain over the taps (i, j) in row-major order from zero, padding taps adding zero: the
/// value of <see cref="Depthwise3x3"/>, whose padded copies hold the zeros (only a zero's sign may differ).
/// </remarks>
internal static unsafe class BlockedDepthwise3x3
{
    /// <summary>Floats of the packed weights of <paramref name="channels"/> channels.</summary>
    public static int PackedLength(int channels) => channels * 9;

    /// <summary><c>k[(c/16)·144 + t·16 + c%16] = w[c·9 + t]</c>: a block's nine taps as nine vectors.</summary>
    public static void PackWeights(ReadOnlySpan<float> weight, int channels, Span<float> packed)
    {
        for (int c = 0; c < channels; c++)
        for (int t = 0; t < 9; t++)
            packed[c / ChannelBlocks.Lanes * 9 * ChannelBlocks.Lanes + t * ChannelBlocks.Lanes + c % ChannelBlocks.Lanes] =
                weight[c * 9 + t];
    }

    /// <summary>
    /// Output rows [<paramref name="y0"/>, <paramref name="y1"/>) of one block: <paramref name="x"/> is the block's
    /// h×w×16 input plane, <paramref name="k"/> its 9×16 packed taps, row y0 is written at <paramref name="y"/> (rows
    /// w·16 floats apart). <paramref name="reluInput"/>: the input goes through max(·, 0) first.
    /// </summary>
    public static void Rows(float* x, int h, int w, float* k, bool reluInput, int y0, int y1, float* y)
    {
        if (reluInput) Rows<Yes>(x, h, w, k, y0, y1, y);
        else Rows<No>(x, h, w, k, y0, y1, y);
    }

    private struct Yes;

    private struct No;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TRelu>(float* x, int h, int w, float* k, int y0, int y1, float* y) where TRelu : struct
    {
        const int L = ChannelBlocks.Lanes;
        var k0 = Vector512.Load(k); var k1 = Vector512.Load(k + L); var k2 = Vector512.Load(k + 2 * L);
        var k3 = Vector512.Load(k + 3 * L); var k4 = Vector512.Load(k + 4 * L); var k5 = Vector512.Load(k + 5 * L);
        var k6 = Vector512.Load(k + 6 * L); var k7 = Vector512.Load(k + 7 * L); var k8 = Vector512.Load(k + 8 * L);
        long row = (long)w * L;
        for (int oy = y0; oy < y1; oy++)
        {
            float* r1 = x + oy * row;
            float* r0 = oy > 0 ? r1 - row : null, r2 = oy + 1 < h ? r1 + row : null;
            float* o = y + (oy - y0) * row;
            Vector512<float> a0 = default, a1 = default, a2 = default;
            Vector512<float> b0 = Load<TRelu>(r0), b1 = Load<TRelu>(r1), b2 = Load<TRelu>(r2);
            for (int ox = 0; ox < w; ox++)
            {
                Vector512<float> c0 = default, c1 = default, c2 = default;
                if (ox + 1 < w)
                {
                    int next = (ox + 1) * L;
                    c0 = Load<TRelu>(r0 == null ? null : r0 + next);
                    c1 = Load<TRelu>(r1 + next);
                    c2 = Load<TRelu>(r2 == null ? null : r2 + next);
                }
                var acc = Vector512.FusedMultiplyAdd(k0, a0, Vector512<float>.Zero);
                acc = Vector512.FusedMultiplyAdd(k1, b0, acc);
                acc = Vector512.FusedMultiplyAdd(k2, c0, acc);
                acc = Vector512.FusedMultiplyAdd(k3, a1, acc);
                acc = Vector512.FusedMultiplyAdd(k4, b1, acc);
                acc = Vector512.FusedMultiplyAdd(k5, c1, acc);
                acc = Vector512.FusedMultiplyAdd(k6, a2, acc);
                acc = Vector512.FusedMultiplyAdd(k7, b2, acc);
                acc = Vector512.FusedMultiplyAdd(k8, c2, acc);
                acc.Store(o + ox * L);
                (a0, a1, a2) = (b0, b1, b2);
                (b0, b1, b2) = (c0, c1, c2);
            }
        }
    }

    /// <summary>The vector at <paramref name="p"/> (through the ReLU when asked), zero for a padding row (null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load<TRelu>(float* p) where TRelu : struct
    {
        if (p == null) return Vector512<float>.Zero;
        var v = Vector512.Load(p);
        return typeof(TRelu) == typeof(Yes) ? Vector512.Max(v, Vector512<float>.Zero) : v;
    }
}
