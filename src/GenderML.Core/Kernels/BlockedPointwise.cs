using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// A 1×1 convolution between <see cref="ChannelBlocks"/> images: a register block is 64 output channels (four vectors
/// of weights) × 6 pixels (each input channel's value broadcast from the pixel's cache line), so a block reads its 6
/// input pixels and writes its 6 × 4 output vectors as whole lines, a few sequential streams, where the plain layout's
/// GEMM reads one stream per input channel and writes one per output channel. Bias, residual add and ReLU are applied
/// in registers before the only store (<see cref="ConvEpilogue"/>'s order).
/// </summary>
/// <remarks>
/// Each value is one FMA chain over the input channels in order from zero, then the epilogue: the bits of
/// <see cref="PointwiseConvolution"/>. The input channels run in ranges of at most <see cref="KRange"/> (the range's
/// weights of a 64-channel group, 32 KB, stay in L1), the partial sums waiting in the output between ranges, which
/// changes no value.
/// </remarks>
internal static unsafe class BlockedPointwise
{
    /// <summary>Output channels per register block and pixels per register block.</summary>
    public const int Group = 64, Pixels = 6;

    /// <summary>Most input channels per pass over the pixels.</summary>
    private const int KRange = 128;

    private const int L = ChannelBlocks.Lanes;

    /// <summary>Whether this kernel takes <paramref name="inChannels"/> → <paramref name="outChannels"/>.</summary>
    public static bool Handles(int inChannels, int outChannels) =>
        ChannelBlocks.Fits(inChannels) && outChannels > 0 && outChannels % Group == 0;

    /// <summary>Floats of the packed weights.</summary>
    public static int PackedLength(int inChannels, int outChannels) => inChannels * outChannels;

    /// <summary><c>a[(o/64)·K·64 + k·64 + o%64] = w[o·K + k]</c>: per 64-channel group, each input channel's 64 weights
    /// as four vectors.</summary>
    public static void PackWeights(ReadOnlySpan<float> weight, int inChannels, int outChannels, Span<float> packed)
    {
        for (int o = 0; o < outChannels; o++)
        for (int k = 0; k < inChannels; k++)
            packed[o / Group * inChannels * Group + k * Group + o % Group] = weight[o * inChannels + k];
    }

    /// <summary>
    /// Pixels [0, <paramref name="count"/>) of <c>y = act(W·x + bias + residual)</c>. Block b of x, y and the residual
    /// starts <paramref name="xStride"/>, <paramref name="yStride"/>, <paramref name="rStride"/> floats after block
    /// b − 1 (each block's pixels 16 floats apart); <paramref name="a"/> holds <see cref="PackWeights"/>' layout;
    /// <paramref name="bias"/> and <paramref name="residual"/> may be null.
    /// </summary>
    public static void Run(int inChannels, int outChannels, int count, float* x, long xStride, float* a, float* bias,
        float* residual, long rStride, bool relu, float* y, long yStride)
    {
        int ranges = (inChannels + KRange - 1) / KRange;
        int range = ((inChannels / L + ranges - 1) / ranges) * L;
        for (int k0 = 0; k0 < inChannels; k0 += range)
        {
            int steps = Math.Min(range, inChannels - k0);
            bool first = k0 == 0, last = k0 + steps == inChannels;
            var epilogue = new Epilogue(last ? bias : null, last ? residual : null, rStride, last && relu);
            for (int g = 0; g < outChannels / Group; g++)
            {
                float* w = a + ((long)g * inChannels + k0) * Group;
                float* xs = x + k0 / L * xStride;
                float* ys = y + (long)g * (Group / L) * yStride;
                var e = epilogue.ForGroup(g);
                int p = 0;
                for (; p + Pixels <= count; p += Pixels)
                    Block6(steps, xs + p * L, xStride, w, ys + p * L, yStride, !first, e, p);
                for (; p < count; p++) Block1(steps, xs + p * L, xStride, w, ys + p * L, yStride, !first, e, p);
            }
        }
    }

    /// <summary>Bias (of the group), residual (of the group's first block) and ReLU, or nothing.</summary>
    private readonly struct Epilogue(float* bias, float* residual, long rStride, bool relu)
    {
        public readonly float* Bias = bias, Residual = residual;
        public readonly long RStride = rStride;
        public readonly bool Relu = relu;

        public Epilogue ForGroup(int g) => new(Bias == null ? null : Bias + g * Group,
            Residual == null ? null : Residual + (long)g * (Group / L) * RStride, RStride, Relu);

        /// <summary>The stored value of vector <paramref name="f"/> (0–3) of the group at pixel <paramref name="p"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Apply(Vector512<float> v, int f, int p)
        {
            if (Bias != null) v += Vector512.Load(Bias + f * L);
            if (Residual != null) v += Vector512.Load(Residual + f * RStride + (long)p * L);
            return Relu ? Vector512.Max(v, Vector512<float>.Zero) : v;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block6(int steps, float* x, long xStride, float* w, float* y, long yStride, bool accumulate,
        in Epilogue e, int p)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default, a34 = default, a35 = default;
        if (accumulate)
        {
            float* r = y;
            a00 = Vector512.Load(r); a01 = Vector512.Load(r + L); a02 = Vector512.Load(r + 2 * L);
            a03 = Vector512.Load(r + 3 * L); a04 = Vector512.Load(r + 4 * L); a05 = Vector512.Load(r + 5 * L);
            r += yStride;
            a10 = Vector512.Load(r); a11 = Vector512.Load(r + L); a12 = Vector512.Load(r + 2 * L);
            a13 = Vector512.Load(r + 3 * L); a14 = Vector512.Load(r + 4 * L); a15 = Vector512.Load(r + 5 * L);
            r += yStride;
            a20 = Vector512.Load(r); a21 = Vector512.Load(r + L); a22 = Vector512.Load(r + 2 * L);
            a23 = Vector512.Load(r + 3 * L); a24 = Vector512.Load(r + 4 * L); a25 = Vector512.Load(r + 5 * L);
            r += yStride;
            a30 = Vector512.Load(r); a31 = Vector512.Load(r + L); a32 = Vector512.Load(r + 2 * L);
            a33 = Vector512.Load(r + 3 * L); a34 = Vector512.Load(r + 4 * L); a35 = Vector512.Load(r + 5 * L);
        }
        for (int b = 0; b < steps / L; b++)
        {
            float* wp = w + (long)b * L * Group;
            // The block's 6 pixels of this channel block: pixel j's value of channel c at xp[j·16].
            for (float* xp = x + b * xStride, end = xp + L; xp < end; xp++, wp += Group)
            {
                var w0 = Vector512.Load(wp); var w1 = Vector512.Load(wp + L);
                var w2 = Vector512.Load(wp + 2 * L); var w3 = Vector512.Load(wp + 3 * L);
                var v = Vector512.Create(xp[0]);
                a00 = Vector512.FusedMultiplyAdd(w0, v, a00); a10 = Vector512.FusedMultiplyAdd(w1, v, a10);
                a20 = Vector512.FusedMultiplyAdd(w2, v, a20); a30 = Vector512.FusedMultiplyAdd(w3, v, a30);
                v = Vector512.Create(xp[L]);
                a01 = Vector512.FusedMultiplyAdd(w0, v, a01); a11 = Vector512.FusedMultiplyAdd(w1, v, a11);
                a21 = Vector512.FusedMultiplyAdd(w2, v, a21); a31 = Vector512.FusedMultiplyAdd(w3, v, a31);
                v = Vector512.Create(xp[2 * L]);
                a02 = Vector512.FusedMultiplyAdd(w0, v, a02); a12 = Vector512.FusedMultiplyAdd(w1, v, a12);
                a22 = Vector512.FusedMultiplyAdd(w2, v, a22); a32 = Vector512.FusedMultiplyAdd(w3, v, a32);
                v = Vector512.Create(xp[3 * L]);
                a03 = Vector512.FusedMultiplyAdd(w0, v, a03); a13 = Vector512.FusedMultiplyAdd(w1, v, a13);
                a23 = Vector512.FusedMultiplyAdd(w2, v, a23); a33 = Vector512.FusedMultiplyAdd(w3, v, a33);
                v = Vector512.Create(xp[4 * L]);
                a04 = Vector512.FusedMultiplyAdd(w0, v, a04); a14 = Vector512.FusedMultiplyAdd(w1, v, a14);
                a24 = Vector512.FusedMultiplyAdd(w2, v, a24); a34 = Vector512.FusedMultiplyAdd(w3, v, a34);
                v = Vector512.Create(xp[5 * L]);
                a05 = Vector512.FusedMultiplyAdd(w0, v, a05); a15 = Vector512.FusedMultiplyAdd(w1, v, a15);
                a25 = Vector512.FusedMultiplyAdd(w2, v, a25); a35 = Vector512.FusedMultiplyAdd(w3, v, a35);
            }
        }
        float* o = y;
        e.Apply(a00, 0, p).Store(o); e.Apply(a01, 0, p + 1).Store(o + L); e.Apply(a02, 0, p + 2).Store(o + 2 * L);
        e.Apply(a03, 0, p + 3).Store(o + 3 * L); e.Apply(a04, 0, p + 4).Store(o + 4 * L); e.Apply(a05, 0, p + 5).Store(o + 5 * L);
        o += yStride;
        e.Apply(a10, 1, p).Store(o); e.Apply(a11, 1, p + 1).Store(o + L); e.Apply(a12, 1, p + 2).Store(o + 2 * L);
        e.Apply(a13, 1, p + 3).Store(o + 3 * L); e.Apply(a14, 1, p + 4).Store(o + 4 * L); e.Apply(a15, 1, p + 5).Store(o + 5 * L);
        o += yStride;
        e.Apply(a20, 2, p).Store(o); e.Apply(a21, 2, p + 1).Store(o + L); e.Apply(a22, 2, p + 2).Store(o + 2 * L);
        e.Apply(a23, 2, p + 3).Store(o + 3 * L); e.Apply(a24, 2, p + 4).Store(o + 4 * L); e.Apply(a25, 2, p + 5).Store(o + 5 * L);
        o += yStride;
        e.Apply(a30, 3, p).Store(o); e.Apply(a31, 3, p + 1).Store(o + L); e.Apply(a32, 3, p + 2).Store(o + 2 * L);
        e.Apply(a33, 3, p + 3).Store(o + 3 * L); e.Apply(a34, 3, p + 4).Store(o + 4 * L); e.Apply(a35, 3, p + 5).Store(o + 5 * L);
    }

    /// <summary>One pixel of the group (the pixels left after the 6-pixel blocks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1(int steps, float* x, long xStride, float* w, float* y, long yStride, bool accumulate,
        in Epilogue e, int p)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        if (accumulate)
        {
            a0 = Vector512.Load(y); a1 = Vector512.Load(y + yStride);
            a2 = Vector512.Load(y + 2 * yStride); a3 = Vector512.Load(y + 3 * yStride);
        }
        for (int b = 0; b < steps / L; b++)
        {
            float* wp = w + (long)b * L * Group;
            for (float* xp = x + b * xStride, end = xp + L; xp < end; xp++, wp += Group)
            {
                var v = Vector512.Create(xp[0]);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(wp), v, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(wp + L), v, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(wp + 2 * L), v, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(wp + 3 * L), v, a3);
            }
        }
        e.Apply(a0, 0, p).Store(y);
        e.Apply(a1, 1, p).Store(y + yStride);
        e.Apply(a2, 2, p).Store(y + 2 * yStride);
        e.Apply(a3, 3, p).Store(y + 3 * yStride);
    }
}
