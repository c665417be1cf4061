using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// A network's first convolution, from a plain (NCHW) image of few channels straight into a
/// <see cref="ChannelBlocks"/> map: output channels in the vector lanes, a register block of 32 channels (two vectors
/// of weights a tap) × 12 output pixels at stride 1 or 2 (each tap's input value broadcast from the image, the pixels'
/// offsets compile-time constants), bias and ReLU before the only store; pixels whose window crosses the image's edge,
/// rows of fewer than 12 such pixels and other strides one pixel at a time. No conversion pass after it, and no padded
/// copy of the image: taps outside it are skipped, which adds nothing.
/// </summary>
/// <remarks>Each value is the FMA chain over (c, i, j) in order from zero, then the bias, then the ReLU: the bits of
/// <see cref="DirectConvolution"/>.</remarks>
internal static unsafe class BlockedInputConvolution
{
    /// <summary>Output channels per register block and output pixels per register block.</summary>
    private const int Group = 32, Pixels = 12;

    /// <summary>Most taps (C·KH·KW) of a window: the tap offsets live on the stack.</summary>
    public const int MaxTaps = 1024;

    private const int L = ChannelBlocks.Lanes;

    /// <summary>Whether this kernel takes <paramref name="g"/>: one group, output channels in blocks of 32, at most
    /// <see cref="MaxTaps"/> taps.</summary>
    public static bool Handles(in ConvGeometry g) => g.Groups == 1 && g.OutChannels % Group == 0 && g.OutChannels > 0
        && (long)g.InChannels * g.KernelHeight * g.KernelWidth <= MaxTaps;

    /// <summary>Floats of the packed weights.</summary>
    public static int PackedLength(in ConvGeometry g) => g.WeightLength;

    /// <summary><c>a[(o/32)·K·32 + t·32 + o%32] = w[o·K + t]</c>, K = C·KH·KW, t = (c·KH + i)·KW + j: per 32-channel
    /// group, each tap's 32 weights as two vectors.</summary>
    public static void PackWeights(in ConvGeometry g, ReadOnlySpan<float> weight, Span<float> packed)
    {
        int k = g.InChannels * g.KernelHeight * g.KernelWidth;
        for (int o = 0; o < g.OutChannels; o++)
        for (int t = 0; t < k; t++)
            packed[o / Group * k * Group + t * Group + o % Group] = weight[o * k + t];
    }

    /// <summary>
    /// Output rows [<paramref name="y0"/>, <paramref name="y1"/>) of one image: <paramref name="x"/> its C×H×W planes,
    /// <paramref name="y"/> its blocked OC×OH×OW map with blocks <paramref name="plane"/> floats apart (OH·OW·16 for a
    /// whole map; a band's rows may be held alone, <paramref name="y"/> pointing where row 0 would be),
    /// <paramref name="bias"/> may be null.
    /// </summary>
    public static void Rows(in ConvGeometry g, float* x, float* a, float* bias, bool relu, int y0, int y1, float* y,
        long plane)
    {
        int ow = g.OutWidth, sw = g.StrideWidth, kh = g.KernelHeight, kw = g.KernelWidth;
        int k = g.InChannels * kh * kw;
        // The taps of a row of windows inside the image: each one's index (c, i, j) and its offset in the image from
        // the window's top-left pixel. Rows of windows that cross the top or bottom keep the taps inside.
        int* taps = stackalloc int[k];
        int* offsets = stackalloc int[k];
        // Output columns whose taps all fall inside the image across.
        int first = Math.Min(ow, (g.PadLeft + sw - 1) / sw);
        int last = Math.Max(first, Math.Min(ow, (g.InWidth + g.PadLeft - kw) / sw + 1));
        for (int grp = 0; grp < g.OutChannels / Group; grp++)
        {
            float* w = a + (long)grp * k * Group;
            float* b = bias == null ? null : bias + grp * Group;
            float* out0 = y + grp * 2 * plane;
            for (int oy = y0; oy < y1; oy++)
            {
                int iy = oy * g.StrideHeight - g.PadTop, count = 0;
                for (int c = 0; c < g.InChannels; c++)
                for (int i = 0; i < kh; i++)
                {
                    if ((uint)(iy + i) >= (uint)g.InHeight) continue;
                    for (int j = 0; j < kw; j++)
                    {
                        taps[count] = (c * kh + i) * kw + j;
                        offsets[count++] = (c * g.InHeight + i) * g.InWidth + j;
                    }
                }
                int ox = 0;
                for (; ox < first; ox++) Pixel(g, x, w, b, relu, oy, ox, out0, plane);
                if (last - first >= Pixels && sw <= 2)
                {
                    float* top = x + (long)iy * g.InWidth - g.PadLeft;
                    for (; ; ox += Pixels)
                    {
                        // The last block ends at the last inside column, overlapping the one before (its values
                        // computed again, the same).
                        ox = Math.Min(ox, last - Pixels);
                        float* o = out0 + ((long)oy * ow + ox) * L;
                        if (sw == 1) Block12<One>(count, taps, offsets, top + ox, w, b, relu, o, plane);
                        else Block12<Two>(count, taps, offsets, top + 2 * ox, w, b, relu, o, plane);
                        if (ox + Pixels >= last) break;
                    }
                    ox = last;
                }
                for (; ox < ow; ox++) Pixel(g, x, w, b, relu, oy, ox, out0, plane);
            }
        }
    }

    /// <summary>A stride known to the compiler, so that a block's pixel offsets are constants.</summary>
    private interface IStride
    {
        static abstract int Value { get; }
    }

    private readonly struct One : IStride
    {
        public static int Value => 1;
    }

    private readonly struct Two : IStride
    {
        public static int Value => 2;
    }

    /// <summary>Twelve pixels <typeparamref name="TStride"/> apart whose windows start at <paramref name="x"/> (which may
    /// lie outside the image when its taps there are left out): the <paramref name="count"/> taps listed, in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block12<TStride>(int count, int* taps, int* offsets, float* x, float* w, float* bias, bool relu,
        float* o, long plane) where TStride : struct, IStride
    {
        int s = TStride.Value;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default,
            a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default,
            b6 = default, b7 = default, b8 = default, b9 = default, b10 = default, b11 = default;
        for (int t = 0; t < count; t++)
        {
            float* p = x + offsets[t], wt = w + taps[t] * Group;
            var lo = Vector512.Load(wt);
            var hi = Vector512.Load(wt + L);
            var v = Vector512.Create(p[0]);
            a0 = Vector512.FusedMultiplyAdd(lo, v, a0); b0 = Vector512.FusedMultiplyAdd(hi, v, b0);
            v = Vector512.Create(p[s]);
            a1 = Vector512.FusedMultiplyAdd(lo, v, a1); b1 = Vector512.FusedMultiplyAdd(hi, v, b1);
            v = Vector512.Create(p[2 * s]);
            a2 = Vector512.FusedMultiplyAdd(lo, v, a2); b2 = Vector512.FusedMultiplyAdd(hi, v, b2);
            v = Vector512.Create(p[3 * s]);
            a3 = Vector512.FusedMultiplyAdd(lo, v, a3); b3 = Vector512.FusedMultiplyAdd(hi, v, b3);
            v = Vector512.Create(p[4 * s]);
            a4 = Vector512.FusedMultiplyAdd(lo, v, a4); b4 = Vector512.FusedMultiplyAdd(hi, v, b4);
            v = Vector512.Create(p[5 * s]);
            a5 = Vector512.FusedMultiplyAdd(lo, v, a5); b5 = Vector512.FusedMultiplyAdd(hi, v, b5);
            v = Vector512.Create(p[6 * s]);
            a6 = Vector512.FusedMultiplyAdd(lo, v, a6); b6 = Vector512.FusedMultiplyAdd(hi, v, b6);
            v = Vector512.Create(p[7 * s]);
            a7 = Vector512.FusedMultiplyAdd(lo, v, a7); b7 = Vector512.FusedMultiplyAdd(hi, v, b7);
            v = Vector512.Create(p[8 * s]);
            a8 = Vector512.FusedMultiplyAdd(lo, v, a8); b8 = Vector512.FusedMultiplyAdd(hi, v, b8);
            v = Vector512.Create(p[9 * s]);
            a9 = Vector512.FusedMultiplyAdd(lo, v, a9); b9 = Vector512.FusedMultiplyAdd(hi, v, b9);
            v = Vector512.Create(p[10 * s]);
            a10 = Vector512.FusedMultiplyAdd(lo, v, a10); b10 = Vector512.FusedMultiplyAdd(hi, v, b10);
            v = Vector512.Create(p[11 * s]);
            a11 = Vector512.FusedMultiplyAdd(lo, v, a11); b11 = Vector512.FusedMultiplyAdd(hi, v, b11);
        }
        bool hasBias = bias != null;
        Vector512<float> blo = hasBias ? Vector512.Load(bias) : default, bhi = hasBias ? Vector512.Load(bias + L) : default;
        Store(a0, blo, hasBias, relu, o); Store(b0, bhi, hasBias, relu, o + plane);
        Store(a1, blo, hasBias, relu, o + L); Store(b1, bhi, hasBias, relu, o + plane + L);
        Store(a2, blo, hasBias, relu, o + 2 * L); Store(b2, bhi, hasBias, relu, o + plane + 2 * L);
        Store(a3, blo, hasBias, relu, o + 3 * L); Store(b3, bhi, hasBias, relu, o + plane + 3 * L);
        Store(a4, blo, hasBias, relu, o + 4 * L); Store(b4, bhi, hasBias, relu, o + plane + 4 * L);
        Store(a5, blo, hasBias, relu, o + 5 * L); Store(b5, bhi, hasBias, relu, o + plane + 5 * L);
        Store(a6, blo, hasBias, relu, o + 6 * L); Store(b6, bhi, hasBias, relu, o + plane + 6 * L);
        Store(a7, blo, hasBias, relu, o + 7 * L); Store(b7, bhi, hasBias, relu, o + plane + 7 * L);
        Store(a8, blo, hasBias, relu, o + 8 * L); Store(b8, bhi, hasBias, relu, o + plane + 8 * L);
        Store(a9, blo, hasBias, relu, o + 9 * L); Store(b9, bhi, hasBias, relu, o + plane + 9 * L);
        Store(a10, blo, hasBias, relu, o + 10 * L); Store(b10, bhi, hasBias, relu, o + plane + 10 * L);
        Store(a11, blo, hasBias, relu, o + 11 * L); Store(b11, bhi, hasBias, relu, o + plane + 11 * L);
    }

    /// <summary>One pixel, every tap checked against the image (the borders).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixel(in ConvGeometry g, float* x, float* w, float* bias, bool relu, int oy, int ox, float* y,
        long plane)
    {
        int h = g.InHeight, wd = g.InWidth, kh = g.KernelHeight, kw = g.KernelWidth;
        Vector512<float> lo = default, hi = default;
        int iy0 = oy * g.StrideHeight - g.PadTop, ix0 = ox * g.StrideWidth - g.PadLeft;
        for (int c = 0; c < g.InChannels; c++)
        for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++)
        {
            int iy = iy0 + i, ix = ix0 + j;
            if ((uint)iy >= (uint)h || (uint)ix >= (uint)wd) continue;
            float* wp = w + (long)((c * kh + i) * kw + j) * Group;
            var v = Vector512.Create(x[((long)c * h + iy) * wd + ix]);
            lo = Vector512.FusedMultiplyAdd(Vector512.Load(wp), v, lo);
            hi = Vector512.FusedMultiplyAdd(Vector512.Load(wp + L), v, hi);
        }
        float* o = y + ((long)oy * g.OutWidth + ox) * L;
        Store(lo, bias == null ? default : Vector512.Load(bias), bias != null, relu, o);
        Store(hi, bias == null ? default : Vector512.Load(bias + L), bias != null, relu, o + plane);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v, Vector512<float> bias, bool hasBias, bool relu, float* o)
    {
        if (hasBias) v += bias;
        if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
        v.Store(o);
    }
}
