using GenderML.Imaging;
using GenderML.Imaging.Jpeg;
using GenderML.Imaging.Native;

namespace GenderML.Imaging.Tests;

public sealed class EncodeTests
{
    [Theory]
    [InlineData(1, 1, PixelFormat.Gray8)]
    [InlineData(1, 1, PixelFormat.Rgb24)]
    [InlineData(17, 9, PixelFormat.Gray8)]
    [InlineData(17, 9, PixelFormat.Rgb24)]
    [InlineData(64, 65, PixelFormat.Rgb24)]
    public void Png_round_trip_is_exact(int w, int h, PixelFormat format)
    {
        Image src = Fixtures.Pattern(w, h, format);
        Image back = Image.Load(src.EncodePng());
        Assert.Equal((w, h, format), (back.Width, back.Height, back.Format));
        Assert.Equal(src.Pixels, back.Pixels);
    }

    [Theory]
    [InlineData(16, 16, PixelFormat.Gray8)]
    [InlineData(31, 17, PixelFormat.Rgb24)]
    public void Jpeg_round_trip_is_close(int w, int h, PixelFormat format)
    {
        byte[] pixels = new byte[w * h * (int)format];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(i / (int)format % w * 6 + i % (int)format * 20); // smooth, no wrap-around
        Image src = new(w, h, format, pixels);
        Image back = Image.Load(src.EncodeJpeg(100));
        Assert.Equal((w, h, format), (back.Width, back.Height, back.Format));
        Assert.True(Fixtures.MeanDiff(src.Pixels, back.Pixels) < 2.5, $"mean diff {Fixtures.MeanDiff(src.Pixels, back.Pixels)}");
    }

    [Fact]
    public void Save_writes_files_that_load()
    {
        string dir = Directory.CreateTempSubdirectory("genderml-imaging-").FullName;
        try
        {
            Image src = Fixtures.Pattern(10, 6, PixelFormat.Rgb24);
            src.SavePng(Path.Combine(dir, "a.png"));
            src.SaveJpeg(Path.Combine(dir, "a.jpg"), 90);
            Assert.Equal(src.Pixels, Image.Load(Path.Combine(dir, "a.png")).Pixels);
            Assert.Equal((10, 6), (Image.Load(Path.Combine(dir, "a.jpg")).Width, Image.Load(Path.Combine(dir, "a.jpg")).Height));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(TurboJpeg.Samp444)]
    [InlineData(TurboJpeg.Samp420)]
    public void Ycck_jpeg_decodes_with_the_Adobe_inverted_convention(int subsampling)
    {
        // TurboJPEG encodes CMYK input as YCCK with an Adobe marker; stored values are taken as inverted.
        int w = 16, h = 8;
        byte[] cmyk = new byte[w * h * 4];
        for (int i = 0; i < w * h; i++)
        {
            cmyk[i * 4] = 200; cmyk[i * 4 + 1] = 100; cmyk[i * 4 + 2] = 50; cmyk[i * 4 + 3] = 230;
        }
        Image rgb = Image.Load(JpegEncoder.EncodeCmyk(cmyk, w, h, 100, subsampling));
        Assert.Equal(PixelFormat.Rgb24, rgb.Format);
        // R = K' − C·K'/255 with C = 255 − c: 230 − 55·230/255 ≈ 180; G ≈ 90; B ≈ 45
        Assert.InRange(rgb.Pixels[0], 178, 182);
        Assert.InRange(rgb.Pixels[1], 88, 92);
        Assert.InRange(rgb.Pixels[2], 43, 47);
        Image gray = Image.Load(JpegEncoder.EncodeCmyk(cmyk, w, h, 100, subsampling), new ImageLoadOptions { Format = PixelFormat.Gray8 });
        Assert.InRange(gray.Pixels[0], 110, 114); // 0.299·180 + 0.587·90 + 0.114·45 ≈ 111.8
    }
}
