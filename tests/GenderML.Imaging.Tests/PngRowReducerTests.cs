using GenderML.Imaging.Png;

namespace GenderML.Imaging.Tests;

/// <summary>The row-by-row PNG reducer against libpng's whole decode followed by a plain k×k box mean.</summary>
public sealed class PngRowReducerTests
{
    [Theory]
    [InlineData("rgb.png", null, 2)]
    [InlineData("rgb.png", PixelFormat.Gray8, 3)]
    [InlineData("gray.png", PixelFormat.Rgb24, 2)]
    [InlineData("gray.png", null, 5)]
    [InlineData("rgba.png", null, 2)]
    [InlineData("gray_alpha.png", PixelFormat.Gray8, 4)]
    public void Reduced_rows_equal_the_box_mean_of_the_whole_decode(string name, PixelFormat? format, int k)
    {
        byte[] png = File.ReadAllBytes(Fixtures.PathOf(name));
        Image whole = Image.Load(png, new ImageLoadOptions { Format = format });
        var options = ImageLoadOptions.ForTarget(whole.Width / k, whole.Height / k, format);
        Image reduced = PngRowReducer.TryDecode(png, options, name, minPixels: 0) ?? throw new InvalidOperationException("not reduced");
        Assert.Equal(((whole.Width + k - 1) / k, (whole.Height + k - 1) / k, whole.Format), (reduced.Width, reduced.Height, reduced.Format));
        Assert.Equal(BoxMean(whole, k), reduced.Pixels);
    }

    [Fact]
    public void A_49_megapixel_png_loaded_for_a_small_target_never_exists_at_full_size()
    {
        var big = new Image(7000, 7000, PixelFormat.Gray8);
        for (int y = 0; y < big.Height; y++) big.Pixels[y * big.Width + y] = 255;
        byte[] png = big.EncodePng();
        big = null!;
        long before = GC.GetAllocatedBytesForCurrentThread();
        Image small = Image.Load(png, ImageLoadOptions.ForTarget(64, 64, PixelFormat.Gray8));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(small.Width >= 64 && small.Width < 128, $"{small.Width}");
        Assert.True(allocated < 8 << 20, $"{allocated} bytes allocated to load it"); // the whole image would be 49 MB
    }

    [Fact]
    public void Small_images_and_loads_without_a_target_are_left_to_libpng()
    {
        byte[] png = File.ReadAllBytes(Fixtures.PathOf("rgb.png"));
        Assert.Null(PngRowReducer.TryDecode(png, ImageLoadOptions.ForTarget(2, 2), "rgb.png"));
        Assert.Null(PngRowReducer.TryDecode(png, ImageLoadOptions.Default, "rgb.png", minPixels: 0));
        Assert.Null(PngRowReducer.TryDecode(File.ReadAllBytes(Fixtures.PathOf("rgb16.png")), ImageLoadOptions.ForTarget(2, 2), "rgb16.png", minPixels: 0));
    }

    [Fact]
    public void A_truncated_large_png_is_an_image_load_error()
    {
        byte[] png = File.ReadAllBytes(Fixtures.PathOf("rgb.png"));
        Assert.Throws<ImageLoadException>(() => PngRowReducer.TryDecode(png[..(png.Length * 2 / 3)], ImageLoadOptions.ForTarget(2, 2), "cut.png", minPixels: 0));
    }

    private static byte[] BoxMean(Image image, int k)
    {
        int w = image.Width, h = image.Height, ch = image.Channels, outW = (w + k - 1) / k, outH = (h + k - 1) / k;
        var result = new byte[outW * outH * ch];
        for (int oy = 0; oy < outH; oy++)
            for (int ox = 0; ox < outW; ox++)
                for (int c = 0; c < ch; c++)
                {
                    long sum = 0, count = 0;
                    for (int y = oy * k; y < Math.Min(h, oy * k + k); y++)
                        for (int x = ox * k; x < Math.Min(w, ox * k + k); x++, count++)
                            sum += image.Pixels[(y * w + x) * ch + c];
                    result[(oy * outW + ox) * ch + c] = (byte)((sum + count / 2) / count);
                }
        return result;
    }
}
