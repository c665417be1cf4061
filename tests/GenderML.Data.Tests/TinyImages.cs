using GenderML.Imaging;

namespace GenderML.Data.Tests;

/// <summary>Small images made with GenderML.Imaging's encoders.</summary>
internal static class TinyImages
{
    /// <summary>A w×h RGB gradient PNG whose pixels depend on <paramref name="seed"/>.</summary>
    public static byte[] Png(int w = 12, int h = 10, int seed = 0) => Make(w, h, seed).EncodePng();

    public static byte[] Jpeg(int w = 16, int h = 12, int seed = 0) => Make(w, h, seed).EncodeJpeg(95);

    public static Image Make(int w, int h, int seed)
    {
        var img = new Image(w, h, PixelFormat.Rgb24);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int o = (y * w + x) * 3;
                img.Pixels[o] = (byte)(x * 255 / Math.Max(1, w - 1));
                img.Pixels[o + 1] = (byte)(y * 255 / Math.Max(1, h - 1));
                img.Pixels[o + 2] = (byte)(seed * 37 % 256);
            }
        return img;
    }

    /// <summary>The bad inputs a folder gets salted with: name → bytes.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Corrupt()
    {
        byte[] jpeg = Jpeg(32, 32, 5);
        yield return ("empty.jpg", []);
        yield return ("truncated.jpg", jpeg[..(jpeg.Length / 3)]);
        yield return ("random.jpg", [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 73 + 11))]);
        yield return ("page.jpg", "<!DOCTYPE html><html><body>404</body></html>"u8.ToArray());
        byte[] png = Png(4, 4);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 100_000);
        yield return ("huge.png", png);
    }
}
