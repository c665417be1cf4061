using GenderML.Imaging;

namespace GenderML.Fuzz.Tests;

/// <summary>
/// Mutated real JPEG/PNG files through <see cref="Image.Load(string, ImageLoadOptions?)"/>: every case either decodes to
/// an image whose pixel buffer matches its size, or fails with an <see cref="ImageLoadException"/> that gives a reason.
/// Anything else (another exception, a crash) fails the test and names the seed, case and mutation to replay it.
/// </summary>
public sealed class ImageFuzzTests : IDisposable
{
    /// <summary>Cases per seed file; with the ~20 seeds, about 12,000 cases in all.</summary>
    private const int CasesPerSeed = 600;

    private readonly string _dir = Directory.CreateTempSubdirectory("genderml-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ImageLoadOptions[] Options =
    [
        ImageLoadOptions.Default,
        ImageLoadOptions.ForTarget(16, 16, PixelFormat.Gray8),
        ImageLoadOptions.ForTarget(8, 8, PixelFormat.Rgb24) with { ApplyExifOrientation = false },
        new() { MaxMegapixels = 0.01, MaxFileBytes = 64 << 10 },
    ];

    [Fact]
    public void Mutated_images_load_or_are_reported_never_crash()
    {
        var seeds = Seeds.All;
        Assert.True(seeds.Count >= 10, $"only {seeds.Count} seed files in {Seeds.Dir}");
        int loaded = 0, reported = 0;
        var failures = new List<string>();
        string file = Path.Combine(_dir, "case.bin");
        for (int s = 0; s < seeds.Count; s++)
        {
            var (name, seed) = seeds[s];
            byte[] other = seeds[(s + 1) % seeds.Count].Bytes;
            for (int i = 0; i < CasesPerSeed; i++)
            {
                var (bytes, kind) = Mutator.Mutate(seed, other, i, s);
                var options = Options[i % Options.Length];
                try
                {
                    // Every fourth case goes through the file path (the reader), the rest through memory.
                    Image image;
                    if (i % 4 == 0)
                    {
                        File.WriteAllBytes(file, bytes);
                        image = i % 8 == 0 ? Image.Load(file, options) : Image.LoadResized(file, 12, 9, PixelFormat.Gray8, options);
                    }
                    else
                    {
                        image = Image.Load(bytes, options);
                    }
                    Assert.Equal((long)image.Width * image.Height * image.Channels, image.Pixels.LongLength);
                    loaded++;
                }
                catch (ImageLoadException e) when (!string.IsNullOrWhiteSpace(e.Reason))
                {
                    reported++;
                }
                catch (Exception e)
                {
                    failures.Add($"{name} case {i} ({kind}): {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(loaded + reported >= 10_000, $"{loaded + reported} cases");
        Assert.True(loaded > 0 && reported > 0, $"{loaded} loaded, {reported} reported: the mutations should give both");
    }
}
