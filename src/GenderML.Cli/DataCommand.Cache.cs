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
    private static int Cache(CliArgs a)
    {
        var options = PreprocessFrom(a, 64);
        string? folder = a.String("--cache-dir");
        int threads = a.Int("--threads", 0);
        a.ThrowOnUnknown();
        string dir = OneDirectory(a);
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

    private static PreprocessOptions PreprocessFrom(CliArgs a, int defaultSize)
    {
        int size = a.Int("--size", defaultSize);
        if (size is < 1 or > 4096) throw new UsageException($"--size must be 1–4096, not {size}");
        bool rgb = a.Flag("--rgb");
        string mode = a.String("--mode") ?? "stretch";
        return new PreprocessOptions
        {
            Size = size,
            Format = rgb ? PixelFormat.Rgb24 : PixelFormat.Gray8,
            Mode = mode switch
            {
                "stretch" => ResizeMode.Stretch,
                "crop" => ResizeMode.CenterCrop,
                "pad" => ResizeMode.Pad,
                _ => throw new UsageException($"--mode takes stretch, crop or pad, not '{mode}'"),
            },
        };
    }
}
