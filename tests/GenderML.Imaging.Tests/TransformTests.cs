using GenderML.Imaging;

namespace GenderML.Imaging.Tests;

public sealed class TransformTests
{
    private static byte At(Image im, int x, int y, int c = 0) => im.Pixels[(y * im.Width + x) * im.Channels + c];

    [Theory]
    [InlineData(PixelFormat.Gray8)]
    [InlineData(PixelFormat.Rgb24)]
    public void Crop_copies_the_rectangle(PixelFormat format)
    {
        Image src = Fixtures.Pattern(9, 7, format);
        Image crop = src.Crop(2, 3, 4, 3);
        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 4; x++)
        for (int c = 0; c < src.Channels; c++)
            Assert.Equal(At(src, x + 2, y + 3, c), At(crop, x, y, c));
        Assert.Throws<ArgumentOutOfRangeException>(() => src.Crop(6, 0, 4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => src.Crop(-1, 0, 1, 1));
    }

    [Theory]
    [InlineData(PixelFormat.Gray8, -3, -2, 15, 12)]
    [InlineData(PixelFormat.Rgb24, -3, -2, 15, 12)]
    [InlineData(PixelFormat.Rgb24, 5, 4, 8, 6)]
    [InlineData(PixelFormat.Rgb24, 12, -9, 3, 4)]
    [InlineData(PixelFormat.Gray8, -20, 20, 4, 2)]
    [InlineData(PixelFormat.Rgb24, 2, 3, 4, 3)]
    public void CropExtended_repeats_the_nearest_edge_pixel_outside(PixelFormat format, int x0, int y0, int w, int h)
    {
        Image src = Fixtures.Pattern(9, 7, format);
        Image crop = src.CropExtended(x0, y0, w, h);
        Assert.Equal((w, h, format), (crop.Width, crop.Height, crop.Format));
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        for (int c = 0; c < src.Channels; c++)
            Assert.Equal(At(src, Math.Clamp(x0 + x, 0, 8), Math.Clamp(y0 + y, 0, 6), c), At(crop, x, y, c));
        Assert.Throws<ArgumentOutOfRangeException>(() => src.CropExtended(0, 0, 0, 1));
    }

    [Fact]
    public void CenterCrop_rounds_the_offset_down()
    {
        Image src = Fixtures.Pattern(9, 8, PixelFormat.Gray8);
        Assert.Equal(src.Crop(2, 1, 4, 5).Pixels, src.CenterCrop(4, 5).Pixels); // (9-4)/2 = 2, (8-5)/2 = 1
        Assert.Throws<ArgumentOutOfRangeException>(() => src.CenterCrop(10, 1));
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(3, 6)]
    [InlineData(4, 4)]
    public void PadToSquare_centres_and_fills(int w, int h)
    {
        Image src = Fixtures.Pattern(w, h, PixelFormat.Rgb24);
        Image sq = src.PadToSquare(7);
        int side = Math.Max(w, h), ox = (side - w) / 2, oy = (side - h) / 2;
        Assert.Equal((side, side), (sq.Width, sq.Height));
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        for (int c = 0; c < 3; c++)
        {
            bool inside = x >= ox && x < ox + w && y >= oy && y < oy + h;
            Assert.Equal(inside ? At(src, x - ox, y - oy, c) : (byte)7, At(sq, x, y, c));
        }
    }

    [Theory]
    [InlineData(PixelFormat.Gray8)]
    [InlineData(PixelFormat.Rgb24)]
    public void FlipHorizontal_mirrors_and_twice_is_identity(PixelFormat format)
    {
        Image src = Fixtures.Pattern(7, 3, format);
        Image flipped = src.FlipHorizontal();
        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 7; x++)
        for (int c = 0; c < src.Channels; c++)
            Assert.Equal(At(src, 6 - x, y, c), At(flipped, x, y, c));
        Assert.Equal(src.Pixels, flipped.FlipHorizontal().Pixels);
    }

    [Fact]
    public void ToGray_uses_PIL_BT601_rounding()
    {
        Image src = Fixtures.Pattern(33, 5, PixelFormat.Rgb24);
        Image gray = src.ToGray();
        for (int i = 0; i < 33 * 5; i++)
        {
            int r = src.Pixels[i * 3], g = src.Pixels[i * 3 + 1], b = src.Pixels[i * 3 + 2];
            Assert.Equal((byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16), gray.Pixels[i]);
            Assert.True(Math.Abs(gray.Pixels[i] - (0.299 * r + 0.587 * g + 0.114 * b)) <= 0.51);
        }
        // PIL's convert("L") of the committed RGB fixture.
        Assert.Equal(Fixtures.ExpectedImage("gray.png").Pixels, Fixtures.ExpectedImage("rgb.png").ToGray().Pixels);
    }
}
