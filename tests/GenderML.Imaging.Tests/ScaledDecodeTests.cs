using GenderML.Imaging;
using GenderML.Imaging.Jpeg;

namespace GenderML.Imaging.Tests;

public sealed class ScaledDecodeTests
{
    [Theory]
    [InlineData(83, 108, 50, 50, 1, 1)]   // the kaggle faces → 50x50: 5/8 would cover it, but only 1/8, 1/4, 1/2 have SIMD IDCTs
    [InlineData(83, 108, 40, 50, 1, 2)]   // 42x54
    [InlineData(100, 100, 50, 50, 1, 2)]
    [InlineData(100, 100, 51, 51, 1, 1)]  // 4/8 gives 50 < 51; 5/8 is skipped
    [InlineData(800, 600, 300, 200, 1, 2)]
    [InlineData(800, 600, 150, 150, 1, 4)]
    [InlineData(800, 600, 100, 75, 1, 8)]
    [InlineData(800, 600, 0, 0, 1, 1)]
    [InlineData(40, 40, 50, 50, 1, 1)]    // smaller than the target: full size, never enlarged
    [InlineData(64, 64, 64, 1, 1, 1)]
    public void Chooses_the_smallest_scale_still_covering_the_target(int w, int h, int tw, int th, int num, int denom)
    {
        var f = JpegDecoder.ChooseScale(w, h, tw, th);
        Assert.Equal((double)num / denom, (double)f.Num / f.Denom, 6);
    }

    [Fact]
    public void Scaled_decode_meets_the_target_and_resembles_the_full_decode()
    {
        string path = Fixtures.PathOf("q95_444.jpg"); // 37x29
        Image scaled = Image.Load(path, ImageLoadOptions.ForTarget(19, 15));
        Assert.Equal((19, 15), (scaled.Width, scaled.Height)); // 1/2 scale

        byte[] smooth = new byte[64 * 48 * 3];
        for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++)
        {
            smooth[(y * 64 + x) * 3] = (byte)(x * 4);
            smooth[(y * 64 + x) * 3 + 1] = (byte)(y * 5);
            smooth[(y * 64 + x) * 3 + 2] = (byte)(128 + 100 * Math.Sin(x / 9.0 + y / 7.0));
        }
        byte[] jpeg = new Image(64, 48, PixelFormat.Rgb24, smooth).EncodeJpeg(95);
        Image full = Image.Load(jpeg);
        foreach (int target in new[] { 32, 24, 16, 9 })
        {
            Image part = Image.Load(jpeg, ImageLoadOptions.ForTarget(target, 1));
            Assert.True(part.Width >= target && part.Width < 64, $"{part.Width} for {target}");
            double diff = Fixtures.MeanDiff(part.Pixels, full.Resize(part.Width, part.Height).Pixels);
            Assert.True(diff < 3, $"target {target}: mean diff {diff}");
        }
    }

    [Fact]
    public void LoadResized_gives_exactly_the_requested_size_and_format()
    {
        Image a = Image.LoadResized(Fixtures.PathOf("q95_420.jpg"), 10, 10, PixelFormat.Gray8);
        Assert.Equal((10, 10, PixelFormat.Gray8), (a.Width, a.Height, a.Format));
        Image viaSteps = Image.Load(Fixtures.PathOf("q95_420.jpg"), ImageLoadOptions.ForTarget(10, 10, PixelFormat.Gray8)).Resize(10, 10);
        Assert.Equal(viaSteps.Pixels, a.Pixels);
        Image b = Image.LoadResized(Fixtures.PathOf("rgba.png"), 50, 40, PixelFormat.Rgb24);
        Assert.Equal((50, 40, PixelFormat.Rgb24), (b.Width, b.Height, b.Format));
    }
}
