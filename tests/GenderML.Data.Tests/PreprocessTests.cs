using GenderML.Imaging;

namespace GenderML.Data.Tests;

public sealed class PreprocessTests
{
    [Theory]
    [InlineData(ResizeMode.Stretch, PixelFormat.Gray8)]
    [InlineData(ResizeMode.CenterCrop, PixelFormat.Rgb24)]
    [InlineData(ResizeMode.Pad, PixelFormat.Rgb24)]
    public void Load_MatchesImagingSteps(ResizeMode mode, PixelFormat format)
    {
        byte[] png = TinyImages.Png(20, 10, 3);
        var options = new PreprocessOptions { Size = 8, Format = format, Mode = mode };
        var sample = new byte[options.BytesPerImage];
        Preprocessor.Load(png, "x.png", options, sample);
        var expected = Preprocessor.Square(Image.Load(png, "x.png", new ImageLoadOptions { Format = format }), mode).Resize(8, 8);
        Assert.Equal(expected.Pixels, sample);
    }

    [Fact]
    public void Pad_LeavesBlackBands_Crop_DoesNot()
    {
        var white = new Image(20, 10, PixelFormat.Gray8, Enumerable.Repeat((byte)255, 200).ToArray()).EncodePng();
        var o = new PreprocessOptions { Size = 10, Mode = ResizeMode.Pad };
        var padded = new byte[o.BytesPerImage];
        Preprocessor.Load(white, "w.png", o, padded);
        Assert.Equal(0, padded[0]);
        Assert.Equal(255, padded[5 * 10 + 5]);
        var cropped = new byte[o.BytesPerImage];
        Preprocessor.Load(white, "w.png", o with { Mode = ResizeMode.CenterCrop }, cropped);
        Assert.All(cropped, b => Assert.Equal(255, b));
    }

    [Fact]
    public void BadBytes_ThrowImagingsException()
    {
        var o = new PreprocessOptions { Size = 4 };
        Assert.Throws<ImageLoadException>(() => Preprocessor.Load("<html>"u8.ToArray(), "a.jpg", o, new byte[16]));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 3)]
    [InlineData(7, 3)]
    [InlineData(17, 1)]
    public void ToFloats_MatchesReference(int size, int channels)
    {
        var options = new PreprocessOptions { Size = size, Format = (PixelFormat)channels };
        var normalizations = new[] { PixelNormalization.UnitRange, new PixelNormalization([0.5f, 0.4f, 0.3f], [0.2f, 0.25f, 0.3f]) };
        foreach (int count in new[] { 0, 1, 3 })
            foreach (var norm in normalizations)
            {
                var rng = new Random(size * 31 + count);
                var pixels = new byte[count * options.BytesPerImage];
                rng.NextBytes(pixels);
                var fast = new float[pixels.Length];
                var naive = new float[pixels.Length];
                PixelTensor.ToFloats(pixels, count, options, norm, fast);
                PixelTensor.ToFloatsReference(pixels, count, options, norm, naive);
                for (int i = 0; i < fast.Length; i++) Assert.Equal(naive[i], fast[i], 5e-6f);
            }
    }

    [Fact]
    public void ToTensor_ChecksShape_AndScalesToUnitRange()
    {
        var options = new PreprocessOptions { Size = 2 };
        var t = new GenderML.Core.Tensor(1, 1, 2, 2);
        PixelTensor.ToTensor([0, 255, 51, 102], 1, options, PixelNormalization.UnitRange, t);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], t.Data, (a, b) => Math.Abs(a - b) < 1e-6f);
        Assert.Throws<ArgumentException>(() => PixelTensor.ToTensor(new byte[8], 2, options, PixelNormalization.UnitRange, t));
    }
}
