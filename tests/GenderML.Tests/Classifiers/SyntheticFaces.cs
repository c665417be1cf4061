using GenderML.Imaging;

namespace GenderML.Tests.Classifiers;

/// <summary>
/// A tiny labelled image folder made by the tests: "female" images carry horizontal stripes and a brighter
/// lower half, "male" images vertical stripes and a brighter upper half, with seeded noise and sizes that vary, so a model can learn the task and a split has something to split.
/// </summary>
internal sealed class SyntheticFaces : IDisposable
{
    public SyntheticFaces(int perClass = 40, int seed = 7, bool splits = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "genderml-test-" + Guid.NewGuid().ToString("N"));
        var random = new Random(seed);
        foreach (string split in splits ? new[] { "train", "test" } : [""])
            foreach (string label in new[] { "female", "male" })
            {
                string dir = Path.Combine(Root, split, label);
                Directory.CreateDirectory(dir);
                int count = split == "test" ? perClass / 2 : perClass;
                for (int i = 0; i < count; i++)
                    Make(label == "male", random).SavePng(Path.Combine(dir, $"{label}{i:D3}.png"));
            }
        Cache = Path.Combine(Root, ".cache");
    }

    public string Root { get; }

    /// <summary>A private pixel-cache folder, so tests never share or touch the user's cache.</summary>
    public string Cache { get; }

    public static Image Make(bool male, Random random)
    {
        int w = 20 + random.Next(8), h = 24 + random.Next(8), period = 4 + random.Next(3), phase = random.Next(period);
        var pixels = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int t = male ? x : y;
                int v = ((t + phase) / (period / 2)) % 2 == 0 ? 180 : 60;
                if ((y < h / 2) == male) v += 50;   // a linear cue too: males brighter on top, females below
                v = Math.Clamp(v + random.Next(-30, 31), 0, 255);
                for (int c = 0; c < 3; c++) pixels[(y * w + x) * 3 + c] = (byte)v;
            }
        return new Image(w, h, PixelFormat.Rgb24, pixels);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
