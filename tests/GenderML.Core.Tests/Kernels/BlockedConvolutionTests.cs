using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary>
/// <see cref="BlockedConvolution"/> against <see cref="ConvolutionReference"/> through the layout conversion: maps
/// inside a border of zeros (the padding), several images, channel groups and pixel ranges run apart, the residual on
/// its first blocks, ReLU. Another FMA order than the reference's, so values agree to rounding. Written with
/// <c>Vector512</c>: accelerated on AVX-512, emulated elsewhere, so it runs on every machine.
/// </summary>
public sealed unsafe class BlockedConvolutionTests
{
    private const int L = ChannelBlocks.Lanes;

    [Theory]
    // in, out, h, w, kernel, stride, pad, residual channels, images
    [InlineData(16, 64, 9, 7, 3, 1, 1, 64, 1)]
    [InlineData(48, 64, 5, 6, 3, 1, 1, 0, 2)] // three channel ranges
    [InlineData(32, 32, 14, 13, 3, 1, 1, 32, 2)] // 32 channels: 12-pixel rows, the last block overlapping
    [InlineData(32, 64, 11, 11, 3, 2, 0, 32, 3)] // stride 2 unpadded; residual on half the channels
    [InlineData(64, 128, 4, 4, 3, 1, 1, 128, 3)]
    [InlineData(16, 64, 1, 1, 1, 1, 0, 0, 2)] // a 1×1 convolution of one pixel
    [InlineData(16, 64, 3, 3, 3, 1, 1, 16, 1)] // fewer pixels than a block
    public void MatchesTheReference(int cin, int cout, int h, int w, int k, int stride, int pad, int residualChannels,
        int images)
    {
        var g = new ConvGeometry(1, cin, h, w, cout, k, k, stride, stride, pad, pad, pad, pad);
        int oh = g.OutHeight, ow = g.OutWidth;
        var weight = KernelAssert.Random(g.WeightLength, 1);
        var bias = KernelAssert.Random(cout, 2);
        var packed = new float[BlockedConvolution.PackedLength(cin, cout, k)];
        BlockedConvolution.PackWeights(weight, cin, cout, k, packed);
        // Maps inside a border of one pixel (pad ≤ 1), image after image.
        var x = new Bordered(cin, h, w, images);
        var y = new Bordered(cout, oh, ow, images);
        var r = new Bordered(cout, oh, ow, images);
        var inputs = new float[images][];
        var residuals = new float[images][];
        for (int n = 0; n < images; n++)
        {
            inputs[n] = KernelAssert.Random(cin * h * w, 10 + n);
            residuals[n] = KernelAssert.Random(residualChannels * oh * ow, 20 + n);
            x.Set(n, inputs[n]);
            r.Set(n, [.. residuals[n], .. new float[(cout - residualChannels) * oh * ow]]);
        }
        int groups = BlockedConvolution.Groups(cout), pixels = images * oh * ow;
        int step = BlockedConvolution.PixelStep(cout, ow);
        fixed (float* px = x.Data, py = y.Data, pr = r.Data, pa = packed, pb = bias)
        {
            var window = new BlockedView(px + x.Offset(0, 1 - pad, 1 - pad), x.BlockStride, x.RowStride, x.ImageStride);
            var output = new BlockedView(py + y.Offset(0, 1, 1), y.BlockStride, y.RowStride, y.ImageStride);
            var residual = residualChannels == 0 ? BlockedView.None
                : new BlockedView(pr + r.Offset(0, 1, 1), r.BlockStride, r.RowStride, r.ImageStride);
            // Each group apart, the pixels in two ranges split at a step.
            int split = Math.Min(pixels, (pixels / 2 + step - 1) / step * step);
            for (int gr = 0; gr < groups; gr++)
            {
                BlockedConvolution.Run(cin, cout, k, stride, window, pa, pb, residual, residualChannels / L, true,
                    output, oh, ow, gr, gr + 1, 0, split);
                BlockedConvolution.Run(cin, cout, k, stride, window, pa, pb, residual, residualChannels / L, true,
                    output, oh, ow, gr, gr + 1, split, pixels);
            }
        }
        for (int n = 0; n < images; n++)
        {
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, inputs[n], weight, bias, expected);
            for (int i = 0; i < expected.Length; i++)
            {
                if (i < residuals[n].Length) expected[i] += residuals[n][i];
                expected[i] = MathF.Max(expected[i], 0f);
            }
            KernelAssert.Close(expected, y.Get(n), 1e-5f, $"image {n}");
        }
        Assert.True(x.BorderIsZero() && y.BorderIsZero(), "a border was written");
    }

    [Fact]
    public void PackedWeightsFollowTheFormula()
    {
        int cin = 32, cout = 128, k = 3;
        var weight = KernelAssert.Random(cout * cin * k * k, 3);
        var packed = new float[BlockedConvolution.PackedLength(cin, cout, k)];
        BlockedConvolution.PackWeights(weight, cin, cout, k, packed);
        for (int o = 0; o < cout; o++)
        for (int c = 0; c < cin; c++)
        for (int t = 0; t < k * k; t++)
            Assert.Equal(weight[(o * cin + c) * k * k + t],
                packed[(((o / 64 * (cin / L) + c / L) * k * k + t) * L + c % L) * 64 + o % 64]);
    }

    /// <summary>Channel-blocked images inside a border of one zero pixel, one after the other.</summary>
    private sealed class Bordered(int channels, int h, int w, int images)
    {
        public readonly float[] Data = new float[images * channels * (h + 2) * (w + 2)];
        public long RowStride => (w + 2) * L;
        public long BlockStride => (h + 2) * RowStride;
        public long ImageStride => channels / L * BlockStride;

        /// <summary>Floats from the start to pixel (y, x) of the bordered image n (the border's top-left is (0, 0)).</summary>
        public long Offset(int n, int y, int x) => n * ImageStride + y * RowStride + x * L;

        public void Set(int n, float[] planar)
        {
            for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                Data[Offset(n, y + 1, x + 1) + c / L * BlockStride + c % L] = planar[(c * h + y) * w + x];
        }

        public float[] Get(int n)
        {
            var planar = new float[channels * h * w];
            for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                planar[(c * h + y) * w + x] = Data[Offset(n, y + 1, x + 1) + c / L * BlockStride + c % L];
            return planar;
        }

        public bool BorderIsZero()
        {
            for (int n = 0; n < images; n++)
            for (int b = 0; b < channels / L; b++)
            for (int y = 0; y < h + 2; y++)
            for (int x = 0; x < w + 2; x++)
                if (y == 0 || x == 0 || y == h + 1 || x == w + 1)
                    for (int l = 0; l < L; l++)
                        if (Data[Offset(n, y, x) + b * BlockStride + l] != 0f) return false;
            return true;
        }
    }
}
