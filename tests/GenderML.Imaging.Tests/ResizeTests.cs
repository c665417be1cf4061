using GenderML.Imaging;
using GenderML.Imaging.Processing;

namespace GenderML.Imaging.Tests;

public sealed class ResizeTests
{
    public static TheoryData<int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int>();
        int[] sizes = [1, 2, 3, 7, 15, 16, 17, 33];
        foreach (int channels in new[] { 1, 3 })
        foreach (int sw in sizes)
        foreach (int dw in new[] { 1, 5, 16, 17, 40 })
            data.Add(sw, sw + 3, channels, dw, Math.Max(1, dw - 2));
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fast_resize_matches_the_naive_definition(int sw, int sh, int channels, int dw, int dh)
    {
        Image src = Fixtures.Pattern(sw, sh, (PixelFormat)channels, seed: sw * 31 + dw);
        byte[] expected = ResizeReference.Resize(src.Pixels, sw, sh, channels, dw, dh);
        Image ours = src.Resize(dw, dh);
        // float vs double sums may round a value sitting on .5 differently.
        Assert.True(Fixtures.MaxDiff(ours.Pixels, expected) <= 1, $"max diff {Fixtures.MaxDiff(ours.Pixels, expected)}");
    }

    [Fact]
    public void Area_downscale_matches_OpenCV_INTER_AREA()
    {
        foreach (var c in Fixtures.AreaCases())
        {
            Image src = new(c.Sw, c.Sh, (PixelFormat)c.Channels, c.Src);
            Image ours = src.Resize(c.Dw, c.Dh);
            int max = Fixtures.MaxDiff(ours.Pixels, c.Dst);
            Assert.True(max <= 1, $"{c.Sw}x{c.Sh} -> {c.Dw}x{c.Dh}: max diff {max}");
            Assert.True(Fixtures.MeanDiff(ours.Pixels, c.Dst) < 0.05, $"{c.Sw}x{c.Sh} -> {c.Dw}x{c.Dh}: mean diff {Fixtures.MeanDiff(ours.Pixels, c.Dst)}");
        }
    }

    [Fact]
    public void Integer_factor_area_is_the_block_mean()
    {
        Image src = new(4, 2, PixelFormat.Gray8, [0, 10, 20, 30, 1, 3, 100, 200]);
        Assert.Equal(new byte[] { 4, 88 }, src.Resize(2, 1).Pixels); // (0+10+1+3)/4 = 3.5 → 4, (20+30+100+200)/4 = 87.5 → 88
    }

    [Fact]
    public void Constant_images_stay_constant_and_same_size_is_a_copy()
    {
        byte[] pixels = new byte[13 * 11 * 3];
        pixels.AsSpan().Fill(255);
        Image white = new(13, 11, PixelFormat.Rgb24, pixels);
        Assert.All(white.Resize(5, 4).Pixels, v => Assert.Equal(255, v));
        Assert.All(white.Resize(40, 31).Pixels, v => Assert.Equal(255, v));
        Image same = white.Resize(13, 11);
        Assert.NotSame(white.Pixels, same.Pixels);
        Assert.Equal(white.Pixels, same.Pixels);
    }

    [Fact]
    public void Upscale_is_bilinear_with_half_pixel_centres()
    {
        Image src = new(2, 1, PixelFormat.Gray8, [0, 100]);
        // centres of 4 outputs sample x = -0.25, 0.25, 0.75, 1.25 → clamp, 25, 75, clamp
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, src.Resize(4, 1).Pixels);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    public void Row_accumulation_matches_scalar_for_every_remainder(int n)
    {
        byte[] src = Enumerable.Range(0, n).Select(i => (byte)(i * 37)).ToArray();
        float[] acc = Enumerable.Range(0, n).Select(i => i * 0.5f).ToArray();
        float[] expected = acc.Select((a, i) => a + 0.3f * src[i]).ToArray();
        Resampler.AccumulateRow(src, 0.3f, acc);
        for (int i = 0; i < n; i++)
            Assert.Equal(expected[i], acc[i], 3);
    }
}
