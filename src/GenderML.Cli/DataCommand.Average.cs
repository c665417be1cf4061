using System.CommandLine;
using System.Globalization;
using GenderML.Data;
using GenderML.Imaging;

namespace GenderML.Cli;

internal static partial class DataCommand
{
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
        var averages = ClassAverages.Compute(dataset, cache);
        var counts = averages.Counts;
        var image = averages.SideBySide();
        string? parent = Path.GetDirectoryName(Path.GetFullPath(output));
        if (parent is not null) Directory.CreateDirectory(parent);
        OutputFile.WriteAllBytes(output, image.EncodePng());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{output}: {string.Join(" | ", dataset.ClassNames.Select((c, i) => $"mean {c} ({counts[i]:N0})"))} | {dataset.ClassNames[^1]} − {dataset.ClassNames[0]}, {options.Key}; {cache.Failed.Count} undecodable file(s) left out"));
        return CliApp.Ok;
    }
}
