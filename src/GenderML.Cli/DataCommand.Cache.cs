using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GenderML.Data;
using GenderML.Imaging;

namespace GenderML.Cli;

internal static partial class DataCommand
{
    /// <summary>
    /// <c>data cache DIR [--size N] [--rgb] [--mode stretch|crop|pad] [--cache-dir D] [--threads N]</c>: builds or
    /// updates the pixel cache of a dataset and reads every sample once; prints what was reused and decoded and the time.
    /// </summary>
    private static Command CacheCommand() => new Command("cache", "build or refresh the pixel cache; report reuse and time")
        .With([Dir, CacheDir, CacheThreads, .. Pixels]).Action(Cache);

    private static readonly Option<string> CacheDir = CliOptions.Text("--cache-dir", "DIR", "the pixel cache folder (default: the user's cache)");
    private static readonly Option<int?> CacheThreads = CliOptions.Threads();
    private static readonly Option<int?> Size = CliOptions.Int("--size", "N", "image side in pixels (default: 64)", 1, 4096);
    private static readonly Option<bool> Rgb = CliOptions.Flag("--rgb", "colour pixels instead of gray");
    private static readonly Option<string> Mode = CliOptions.Choice("--mode", "how a non-square image is made square (default: stretch)", "stretch", "crop", "pad");
    private static readonly Option[] Pixels = [Size, Rgb, Mode];

    private static int Cache(ParseResult r)
    {
        var options = PreprocessFrom(r);
        string? folder = r.GetValue(CacheDir);
        int threads = r.GetValue(CacheThreads) ?? 0;
        string dir = r.GetValue(Dir)!;
        if (TryLoad(dir) is not { } dataset) return CliApp.BadInput;
        var clock = Stopwatch.StartNew();
        using var cache = TryOpenCache(dataset, options, new PixelCacheOptions { Folder = folder, Threads = threads });
        if (cache is null) return CliApp.BadInput;
        long sum = 0;
        for (int i = 0; i < cache.Count; i++)
            foreach (byte b in cache.GetPixels(i)) sum += b;
        double seconds = clock.Elapsed.TotalSeconds;
        var s = cache.Stats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{cache.Count:N0} samples of {options.Key} in {seconds:F3} s ({(s.Hit ? "cache hit" : $"reused {s.Reused:N0}, decoded {s.Decoded:N0}")}, failed {s.Failed:N0}); mean pixel {(cache.Count == 0 ? 0 : (double)sum / cache.Count / options.BytesPerImage):F2}"));
        Console.WriteLine($"cache file: {cache.FilePath}");
        foreach (var f in cache.Failed.Take(20)) Console.WriteLine($"  {Relative(dataset.Root, f.Path)}: {f.Reason}");
        return CliApp.Ok;
    }

    private static PreprocessOptions PreprocessFrom(ParseResult r) => new()
    {
        Size = r.GetValue(Size) ?? 64,
        Format = r.GetValue(Rgb) ? PixelFormat.Rgb24 : PixelFormat.Gray8,
        Mode = r.GetValue(Mode) switch
        {
            "crop" => ResizeMode.CenterCrop,
            "pad" => ResizeMode.Pad,
            _ => ResizeMode.Stretch,
        },
    };
}
