using GenderML.Imaging;

namespace GenderML.Imaging.Tests;

public sealed class DecodeFixtureTests
{
    [Theory]
    [InlineData("rgb.png", 0)]
    [InlineData("gray.png", 0)]
    [InlineData("palette.png", 0)]
    [InlineData("rgba.png", 0)]
    [InlineData("gray_alpha.png", 0)]
    [InlineData("rgb16.png", 1)]
    [InlineData("gray16.png", 1)]
    [InlineData("rgb.bmp", 0)]
    [InlineData("rgb.ppm", 0)]
    [InlineData("gray.pgm", 0)]
    [InlineData("q95_444.jpg", 0)]
    [InlineData("q95_422.jpg", 0)]
    [InlineData("q95_420.jpg", 0)]
    [InlineData("progressive.jpg", 0)]
    [InlineData("gray.jpg", 0)]
    [InlineData("cmyk.jpg", 1)]
    public void Decodes_as_PIL_does(string name, int tolerance)
    {
        Image expected = Fixtures.ExpectedImage(name);
        Image ours = Image.Load(Fixtures.PathOf(name));
        Assert.Equal(expected.Format, ours.Format);
        Assert.True(Fixtures.MaxDiff(ours, expected) <= tolerance, $"{name}: max diff {Fixtures.MaxDiff(ours, expected)}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Applies_EXIF_orientation_as_PIL_exif_transpose(int orientation)
    {
        string name = $"exif{orientation}.jpg";
        Image expected = Fixtures.ExpectedImage(name);
        Image ours = Image.Load(Fixtures.PathOf(name));
        Assert.Equal(0, Fixtures.MaxDiff(ours, expected));
    }

    [Fact]
    public void Ignores_EXIF_orientation_when_asked()
    {
        Image stored = Image.Load(Fixtures.PathOf("exif6.jpg"), new ImageLoadOptions { ApplyExifOrientation = false });
        Assert.Equal(0, Fixtures.MaxDiff(stored, Fixtures.ExpectedImage("exif1.jpg")));
    }

    [Fact]
    public void Rotated_EXIF_swaps_the_target_size_before_choosing_the_scale()
    {
        // exif6 stores 37x29 and displays 29x37; a 15x19 display target allows 1/2 scale: 19x15 stored → 15x19 shown.
        Image ours = Image.Load(Fixtures.PathOf("exif6.jpg"), ImageLoadOptions.ForTarget(15, 19));
        Assert.Equal((15, 19), (ours.Width, ours.Height));
    }

    [Theory]
    [InlineData("q95_444.jpg")]
    [InlineData("q95_420.jpg")]
    [InlineData("progressive.jpg")]
    [InlineData("cmyk.jpg")]
    [InlineData("rgb.png")]
    public void Gray_output_is_close_to_PIL_convert_L(string name)
    {
        Image expected = Fixtures.ExpectedImage(name).ToGray();
        Image ours = Image.Load(Fixtures.PathOf(name), new ImageLoadOptions { Format = PixelFormat.Gray8 });
        // JPEG gray output is the stored luma (the encoder's BT.601), PIL's is BT.601 of the decoded RGB.
        Assert.True(Fixtures.MaxDiff(ours, expected) <= 6, $"max diff {Fixtures.MaxDiff(ours, expected)}");
        Assert.True(Fixtures.MeanDiff(ours.Pixels, expected.Pixels) < 1.0);
    }

    [Fact]
    public void Rgb_output_of_a_gray_file_repeats_the_value()
    {
        Image ours = Image.Load(Fixtures.PathOf("gray.png"), new ImageLoadOptions { Format = PixelFormat.Rgb24 });
        Assert.Equal(0, Fixtures.MaxDiff(ours, Fixtures.ExpectedImage("gray.png").ConvertTo(PixelFormat.Rgb24)));
    }

    [Fact]
    public void Stream_bytes_and_path_overloads_agree()
    {
        string path = Fixtures.PathOf("q95_420.jpg");
        byte[] bytes = File.ReadAllBytes(path);
        Image a = Image.Load(path), b = Image.Load(bytes), c = Image.Load(new MemoryStream(bytes)), d = Image.Load(bytes.AsSpan(), "x.jpg");
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal(a.Pixels, c.Pixels);
        Assert.Equal(a.Pixels, d.Pixels);
    }

    [Fact]
    public void Decoding_on_many_threads_gives_the_same_pixels()
    {
        string[] names = ["q95_444.jpg", "progressive.jpg", "cmyk.jpg", "exif6.jpg", "rgba.png", "palette.png"];
        Dictionary<string, byte[]> single = names.ToDictionary(n => n, n => Image.Load(Fixtures.PathOf(n)).Pixels);
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            string n = names[i % names.Length];
            Assert.Equal(single[n], Image.Load(Fixtures.PathOf(n)).Pixels);
        });
    }
}
