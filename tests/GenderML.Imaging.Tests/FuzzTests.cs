using GenderML.Imaging;

namespace GenderML.Imaging.Tests;

/// <summary>Corrupted real files: every outcome is a decoded image of the right size or an ImageLoadException.</summary>
public sealed class FuzzTests
{
    [Theory]
    [InlineData("q95_420.jpg")]
    [InlineData("progressive.jpg")]
    [InlineData("cmyk.jpg")]
    [InlineData("exif6.jpg")]
    [InlineData("rgb.png")]
    [InlineData("palette.png")]
    [InlineData("rgb.bmp")]
    public void Bit_flips_never_crash(string name)
    {
        byte[] original = File.ReadAllBytes(Fixtures.PathOf(name));
        Random random = new(name.Length * 7919);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = 1 + random.Next(8);
            for (int f = 0; f < flips; f++)
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                Image image = Image.Load(bytes, ImageLoadOptions.ForTarget(trial % 3 == 0 ? 10 : 0, 0, trial % 2 == 0 ? PixelFormat.Gray8 : null));
                Assert.Equal(image.Width * image.Height * image.Channels, image.Pixels.Length);
            }
            catch (ImageLoadException e)
            {
                Assert.Equal("<bytes>", e.Path);
                Assert.False(string.IsNullOrWhiteSpace(e.Reason));
            }
        }
    }

    [Fact]
    public void A_directory_is_refused_as_not_a_regular_file()
    {
        var e = Assert.Throws<ImageLoadException>(() => Image.Load(Fixtures.Dir));
        Assert.Contains("folder", e.Reason, StringComparison.Ordinal);
    }
}
