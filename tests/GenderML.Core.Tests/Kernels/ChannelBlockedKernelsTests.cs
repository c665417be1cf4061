using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Kernels;

/// <summary>
/// The channel-blocked kernels (<see cref="ChannelBlocks"/>, <see cref="BlockedDepthwise3x3"/>,
/// <see cref="BlockedPointwise"/>, <see cref="BlockedMaxPool"/>) against the reference kernels through the layout
/// conversion, and bit for bit against the plain-layout kernels the dispatch runs (the blocked plan must give the
/// network's values). The blocked kernels are written with <c>Vector512</c>: accelerated on AVX-512, emulated
/// elsewhere, so the reference comparisons run on every machine.
/// </summary>
public sealed unsafe class ChannelBlockedKernelsTests
{
    private const int L = ChannelBlocks.Lanes;

    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 15)]
    [InlineData(32, 49)]
    [InlineData(48, 196)]
    [InlineData(16, 3136)]
    public void ToPlanarFollowsTheFormula(int channels, int hw)
    {
        var planar = KernelAssert.Random(channels * hw, 1);
        var blocked = ToBlocked(planar, channels, hw);
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < hw; i++)
            Assert.Equal(planar[c * hw + i], blocked[c / L * hw * L + i * L + c % L]);
        Assert.Equal(planar, ToPlanar(blocked, channels, hw));
    }

    [Theory]
    [InlineData(32, 3, 20)] // a 16-pixel transpose and a tail a row
    [InlineData(16, 5, 7)]
    public void ToPlanarReadsAMapInsideABorder(int channels, int h, int w)
    {
        var planar = KernelAssert.Random(channels * h * w, 1);
        long row = (w + 2) * L, block = (h + 2) * row;
        var bordered = new float[channels / L * block];
        for (int c = 0; c < channels; c++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            bordered[c / L * block + (y + 1) * row + (x + 1) * L + c % L] = planar[(c * h + y) * w + x];
        var actual = new float[planar.Length];
        fixed (float* b = bordered, p = actual)
            ChannelBlocks.ToPlanar(new BlockedView(b + row + L, block, row), channels, h, w, p);
        Assert.Equal(planar, actual);
    }

    [Theory]
    [InlineData(16, 7, 7, false)]
    [InlineData(32, 14, 14, true)]
    [InlineData(16, 5, 9, true)]
    [InlineData(16, 1, 1, false)]
    [InlineData(16, 2, 3, true)]
    [InlineData(32, 28, 28, false)]
    public void DepthwiseMatchesTheReferenceAndThePlainKernel(int channels, int h, int w, bool reluInput)
    {
        var g = new ConvGeometry(1, channels, h, w, channels, 3, 3, 1, 1, 1, 1, 1, 1, channels);
        var x = KernelAssert.Random(g.InputLength, 2);
        var weight = KernelAssert.Random(g.WeightLength, 3);
        var activated = reluInput ? x.Select(v => MathF.Max(v, 0f)).ToArray() : x;
        var expected = new float[g.OutputLength];
        ConvolutionReference.Forward(g, activated, weight, [], expected);
        var plain = new float[g.OutputLength];
        fixed (float* px = x, pw = weight, py = plain)
            Depthwise3x3.Forward(new ConvOperands(g, px, pw, null, py), reluInput, 1);
        // Whole planes, then the rows in bands of 2 (as the plan's bands call it).
        foreach (int band in new[] { h, 2 })
        {
            var actual = Blocked(channels, h * w, xb =>
            {
                var yb = new float[xb.Length];
                var k = new float[BlockedDepthwise3x3.PackedLength(channels)];
                BlockedDepthwise3x3.PackWeights(weight, channels, k);
                fixed (float* px = xb, pk = k, py = yb)
                    for (int b = 0; b < channels / L; b++)
                    for (int y0 = 0; y0 < h; y0 += band)
                        BlockedDepthwise3x3.Rows(px + b * h * w * L, h, w, pk + b * 9 * L, reluInput, y0,
                            Math.Min(h, y0 + band), py + b * h * w * L + y0 * w * L);
                return yb;
            }, x);
            KernelAssert.Close(expected, actual, 1e-5f, $"{channels}×{h}×{w} band {band}");
            if (Avx512F()) KernelAssert.BitIdentical(plain, actual, $"{channels}×{h}×{w} band {band}");
        }
    }

    [Theory]
    [InlineData(16, 64, 1, false)]
    [InlineData(32, 64, 13, true)]
    [InlineData(64, 128, 196, true)]
    [InlineData(144, 64, 49, false)]
    [InlineData(256, 128, 20, true)]
    [InlineData(272, 64, 7, true)]
    public void PointwiseMatchesTheReferenceAndThePlainKernel(int inChannels, int outChannels, int pixels, bool fused)
    {
        var g = new ConvGeometry(1, inChannels, 1, pixels, outChannels, 1, 1);
        var x = KernelAssert.Random(g.InputLength, 4);
        var w = KernelAssert.Random(g.WeightLength, 5);
        var bias = KernelAssert.Random(outChannels, 6);
        var residual = KernelAssert.Random(g.OutputLength, 7);
        var expected = new float[g.OutputLength];
        ConvolutionReference.Forward(g, x, w, fused ? bias : [], expected);
        if (fused)
            for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
        var plain = new float[g.OutputLength];
        fixed (float* px = x, pw = w, pb = bias, pr = residual, py = plain)
            PointwiseConvolution.Forward(fused ? new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true)
                : new ConvOperands(g, px, pw, null, py), 1);
        var a = new float[BlockedPointwise.PackedLength(inChannels, outChannels)];
        BlockedPointwise.PackWeights(w, inChannels, outChannels, a);
        var rb = ToBlocked(residual, outChannels, pixels);
        var actual = Blocked(inChannels, pixels, xb =>
        {
            var yb = Enumerable.Repeat(float.NaN, outChannels * pixels).ToArray();
            fixed (float* px = xb, pa = a, pb = bias, pr = rb, py = yb)
                BlockedPointwise.Run(inChannels, outChannels, pixels, px, (long)pixels * L, pa, fused ? pb : null,
                    fused ? pr : null, (long)pixels * L, fused, py, (long)pixels * L);
            return yb;
        }, x, outChannels);
        KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(inChannels)), $"{inChannels}→{outChannels} ×{pixels}");
        if (Avx512F()) KernelAssert.BitIdentical(plain, actual, $"{inChannels}→{outChannels} ×{pixels}");
    }

    [Theory]
    [InlineData(56, 56, 3, 2)]
    [InlineData(7, 7, 3, 2)]
    [InlineData(13, 10, 3, 2)]
    [InlineData(8, 8, 2, 2)]
    public void MaxPoolWithResidualMatchesTheReference(int h, int w, int size, int stride)
    {
        const int channels = 32;
        var x = KernelAssert.Random(channels * h * w, 8);
        var padding = GenderML.Core.Layers.ConvPadding.Same;
        var (top, bottom) = padding.Resolve(h, size, stride, true);
        var (left, right) = padding.Resolve(w, size, stride, false);
        var pg = new PoolGeometry(channels, h, w, size, stride, top, left, bottom, right);
        int oh = pg.OutHeight, ow = pg.OutWidth;
        var residual = KernelAssert.Random(channels * oh * ow, 9);
        var expected = new float[channels * oh * ow];
        Pooling.MaxForwardReference(pg, x, expected, 0, channels);
        for (int i = 0; i < expected.Length; i++) expected[i] += residual[i];
        var rb = ToBlocked(residual, channels, oh * ow);
        var xb = ToBlocked(x, channels, h * w);
        var yb = new float[expected.Length];
        fixed (float* px = xb, pr = rb, py = yb)
            for (int b = 0; b < channels / L; b++)
                BlockedMaxPool.Run(px + b * h * w * L, h, w, size, stride, top, left, oh, ow, pr + b * oh * ow * L,
                    py + b * oh * ow * L, ow * L);
        KernelAssert.BitIdentical(expected, ToPlanar(yb, channels, oh * ow), $"{h}×{w} {size}/{stride}");
    }

    [Theory]
    // in, out, h, w, kernel, stride, pad (top/left; bottom/right one less at stride 2, as 'same' pads)
    [InlineData(3, 32, 20, 30, 3, 1, 1)] // 12-pixel blocks at stride 1
    [InlineData(3, 32, 29, 40, 3, 2, 0)] // 12-pixel blocks at stride 2
    [InlineData(3, 64, 41, 41, 7, 2, 0)] // the face ResNet's stem, smaller
    [InlineData(3, 32, 9, 9, 3, 2, 1)] // rows too narrow for a block: pixel by pixel, borders included
    [InlineData(3, 32, 40, 40, 3, 3, 1)] // stride 3: pixel by pixel
    public void InputConvolutionMatchesTheReferenceAndThePlainKernel(int cin, int cout, int h, int w, int k, int stride,
        int pad)
    {
        int after = stride == 2 && pad > 0 ? pad - 1 : pad;
        var g = new ConvGeometry(1, cin, h, w, cout, k, k, stride, stride, pad, pad, after, after);
        var x = KernelAssert.Random(g.InputLength, 4);
        var weight = KernelAssert.Random(g.WeightLength, 5);
        var bias = KernelAssert.Random(cout, 6);
        var expected = new float[g.OutputLength];
        ConvolutionReference.Forward(g, x, weight, bias, expected);
        for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i], 0f);
        int oh = g.OutHeight, hw = oh * g.OutWidth;
        var packed = new float[BlockedInputConvolution.PackedLength(g)];
        BlockedInputConvolution.PackWeights(g, weight, packed);
        var yb = new float[g.OutputLength];
        fixed (float* px = x, pa = packed, pb = bias, py = yb)
        {
            // In two bands, the second written through a band of its own rows (as a fused pool reads it).
            int half = oh / 2;
            BlockedInputConvolution.Rows(g, px, pa, pb, true, 0, half, py, (long)hw * L);
            var band = new float[cout * (oh - half) * g.OutWidth];
            fixed (float* pband = band)
            {
                long rowFloats = (long)g.OutWidth * L, bandBlock = (oh - half) * rowFloats;
                BlockedInputConvolution.Rows(g, px, pa, pb, true, half, oh, pband - half * rowFloats, bandBlock);
                for (int b = 0; b < cout / L; b++)
                    new Span<float>(pband + b * bandBlock, (int)bandBlock).CopyTo(
                        new Span<float>(py + b * hw * L + half * rowFloats, (int)bandBlock));
            }
        }
        var actual = ToPlanar(yb, cout, hw);
        KernelAssert.Close(expected, actual, 1e-5f, "reference");
        if (!DirectConvolution.Handles(g)) return;
        var plain = new float[g.OutputLength];
        fixed (float* px = x, pw = weight, pb = bias, py = plain)
            DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, py, relu: true), 1);
        KernelAssert.BitIdentical(plain, actual, "plain kernel");
    }

    private static bool Avx512F() => System.Runtime.Intrinsics.X86.Avx512F.IsSupported;

    /// <summary><paramref name="run"/> on the blocked <paramref name="planar"/>, its blocked result back in NCHW.</summary>
    private static float[] Blocked(int channels, int hw, Func<float[], float[]> run, float[] planar, int outChannels = 0)
    {
        var y = run(ToBlocked(planar, channels, hw));
        return ToPlanar(y, outChannels == 0 ? channels : outChannels, hw);
    }

    /// <summary>The blocked layout by its formula (the product's first layer writes it itself).</summary>
    private static float[] ToBlocked(float[] planar, int channels, int hw)
    {
        var blocked = new float[planar.Length];
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < hw; i++)
            blocked[c / L * hw * L + i * L + c % L] = planar[c * hw + i];
        return blocked;
    }

    private static float[] ToPlanar(float[] blocked, int channels, int hw)
    {
        var planar = new float[blocked.Length];
        fixed (float* b = blocked, p = planar)
            ChannelBlocks.ToPlanar(new BlockedView(b, (long)hw * L, (long)hw * L), channels, 1, hw, p);
        return planar;
    }
}
