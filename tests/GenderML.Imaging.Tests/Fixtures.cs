using System.Text.Json;
using GenderML.Imaging;

namespace GenderML.Imaging.Tests;

/// <summary>The committed fixtures (made by fixtures/make_fixtures.py) and the pixels PIL/OpenCV decoded them to.</summary>
internal static class Fixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string PathOf(string name) => Path.Combine(Dir, name);

    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))));

    public static Image ExpectedImage(string name)
    {
        JsonElement e = Expected.Value.RootElement.GetProperty("images").GetProperty(name);
        return new Image(e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(),
            Enum.Parse<PixelFormat>(e.GetProperty("format").GetString()!), Convert.FromBase64String(e.GetProperty("pixels").GetString()!));
    }

    public static IEnumerable<(int Sw, int Sh, int Channels, int Dw, int Dh, byte[] Src, byte[] Dst)> AreaCases()
    {
        foreach (JsonElement c in Expected.Value.RootElement.GetProperty("area").EnumerateArray())
            yield return (c.GetProperty("sw").GetInt32(), c.GetProperty("sh").GetInt32(), c.GetProperty("channels").GetInt32(),
                c.GetProperty("dw").GetInt32(), c.GetProperty("dh").GetInt32(),
                Convert.FromBase64String(c.GetProperty("src").GetString()!), Convert.FromBase64String(c.GetProperty("dst").GetString()!));
    }

    /// <summary>The largest absolute difference between two equally shaped images.</summary>
    public static int MaxDiff(Image a, Image b)
    {
        Assert.Equal((b.Width, b.Height, b.Format), (a.Width, a.Height, a.Format));
        return MaxDiff(a.Pixels, b.Pixels);
    }

    public static int MaxDiff(byte[] a, byte[] b)
    {
        Assert.Equal(b.Length, a.Length);
        int max = 0;
        for (int i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    public static double MeanDiff(byte[] a, byte[] b)
    {
        Assert.Equal(b.Length, a.Length);
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += Math.Abs(a[i] - b[i]);
        return a.Length == 0 ? 0 : (double)sum / a.Length;
    }

    /// <summary>A deterministic smooth-ish test pattern.</summary>
    public static Image Pattern(int width, int height, PixelFormat format, int seed = 1)
    {
        Random random = new(seed);
        byte[] pixels = new byte[width * height * (int)format];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        for (int c = 0; c < (int)format; c++)
            pixels[(y * width + x) * (int)format + c] = (byte)((x * 7 + y * 13 + c * 50 + random.Next(0, 40)) % 256);
        return new Image(width, height, format, pixels);
    }
}
