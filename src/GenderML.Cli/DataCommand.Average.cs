using System.CommandLine;
using System.Globalization;
using GenderML.Data;
using GenderML.Imaging;

namespace GenderML.Cli;

internal static partial class DataCommand
{
    private const int AverageGap = 2;

    /// <summary>
    /// <c>data average DIR --out FILE.png [--size N] [--rgb] [--mode stretch|crop|pad] [--split S] [--cache-dir D]</c>:
    /// the mean sample of each class and the difference of the last and the first class (mid-gray = no difference,
    /// scaled so the largest difference reaches black or white), side by side with a 2-pixel white gap, as PNG.
    /// </summary>
    private static Command AverageCommand() => new Command("average", "the average face of each class and their difference, as PNG")
        .With([Dir, AverageOut, AverageSplit, CacheDir, .. Pixels]).Action(Average);

    private static readonly Option<string> AverageOut = CliOptions.Text("--out", "FILE.png", "the image to write", required: true).WithExtension(".png");
    private static readonly Option<string> AverageSplit = CliOptions.Text("--split", "NAME", "only this split");

    private static int Average(ParseResult r)
    {
        string output = r.GetValue(AverageOut)!;
        var options = PreprocessFrom(r);
        string? split = r.GetValue(AverageSplit);
        string? folder = r.GetValue(CacheDir);
        string dir = r.GetValue(Dir)!;
        OutputFile.Check(output, dir, folder);
        if (TryLoad(dir) is not { } dataset) return CliApp.BadInput;
        if (split is not null) dataset = dataset.Subset(SplitNames.Normalize(split));
        if (dataset.Items.Count == 0)
        {
            Console.Error.WriteLine($"genderml data average: {dir}: no images{(split is null ? "" : $" in split '{split}'")}");
            return CliApp.BadInput;
        }
        using var cache = TryOpenCache(dataset, options, new PixelCacheOptions { Folder = folder });
        if (cache is null) return CliApp.BadInput;
        var (means, counts) = ClassMeans(dataset, cache);
        var image = SideBySide(means, options);
        string? parent = Path.GetDirectoryName(Path.GetFullPath(output));
        if (parent is not null) Directory.CreateDirectory(parent);
        OutputFile.WriteAllBytes(output, image.EncodePng());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{output}: {string.Join(" | ", dataset.ClassNames.Select((c, i) => $"mean {c} ({counts[i]:N0})"))} | {dataset.ClassNames[^1]} − {dataset.ClassNames[0]}, {options.Key}; {cache.Failed.Count} undecodable file(s) left out"));
        return CliApp.Ok;
    }

    /// <summary>The per-class mean of the decoded samples, each value in [0, 255], and the sample count of each class.</summary>
    internal static (double[][] Means, int[] Counts) ClassMeans(Dataset dataset, PixelCache cache)
    {
        int per = cache.Options.BytesPerImage, classes = dataset.ClassNames.Count;
        var sums = new long[classes][];
        var counts = new int[classes];
        for (int c = 0; c < classes; c++) sums[c] = new long[per];
        for (int i = 0; i < dataset.Items.Count; i++)
        {
            if (!cache.IsDecoded(i)) continue;
            int label = dataset.Items[i].Label;
            AddTo(sums[label], cache.GetPixels(i));
            counts[label]++;
        }
        var means = new double[classes][];
        for (int c = 0; c < classes; c++) means[c] = [.. sums[c].Select(s => counts[c] == 0 ? 0 : (double)s / counts[c])];
        return (means, counts);
    }

    private static void AddTo(long[] sums, ReadOnlySpan<byte> pixels)
    {
        for (int k = 0; k < pixels.Length; k++) sums[k] += pixels[k];
    }

    /// <summary>[mean 0 | mean 1 | … | difference] in one image, panels separated by white gaps.</summary>
    internal static Image SideBySide(double[][] means, PreprocessOptions o)
    {
        int n = o.Size, ch = o.Channels, panels = means.Length + (means.Length >= 2 ? 1 : 0);
        int width = panels * n + (panels - 1) * AverageGap;
        var image = new Image(width, n, o.Format);
        image.Pixels.AsSpan().Fill(255);
        for (int p = 0; p < means.Length; p++) Blit(image, p * (n + AverageGap), n, ch, means[p].Select(v => (byte)Math.Round(v)).ToArray());
        if (means.Length >= 2)
        {
            double[] diff = [.. means[^1].Zip(means[0], (x, y) => x - y)];
            double max = Math.Max(1e-9, diff.Max(Math.Abs));
            Blit(image, means.Length * (n + AverageGap), n, ch, diff.Select(d => (byte)Math.Clamp(Math.Round(127.5 + 127.5 * d / max), 0, 255)).ToArray());
        }
        return image;
    }

    private static void Blit(Image image, int x0, int n, int ch, byte[] panel)
    {
        for (int y = 0; y < n; y++)
            panel.AsSpan(y * n * ch, n * ch).CopyTo(image.Pixels.AsSpan((y * image.Width + x0) * ch, n * ch));
    }
}
