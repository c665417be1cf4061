// Times the pixel cache: pass 1 decodes every image of DIR into a fresh cache folder, then passes 2..R open the
// cache (stat check + mapping) and read every sample once. Prints the median of the cached passes and the ratio.
// usage: dotnet run -c Release -- DIR [--size 50] [--rgb] [--runs 7] [--threads 0] [--cache-dir D]
using System.Diagnostics;
using System.Globalization;
using GenderML;
using GenderML.Data;
using GenderML.Imaging;

string dir = args.Length > 0 ? args[0] : "../shared/data/kaggle-gender/train";
int size = Option("--size", 50), runs = Option("--runs", 7), threads = Option("--threads", 0);
bool rgb = args.Contains("--rgb");
string cacheDir = OptionText("--cache-dir") ?? Path.Combine(Path.GetTempPath(), "genderml-cache-bench-" + Environment.ProcessId);
var options = new PreprocessOptions { Size = size, Format = rgb ? PixelFormat.Rgb24 : PixelFormat.Gray8 };

var clock = Stopwatch.StartNew();
var dataset = Dataset.Load(dir, GenderLabels.Options);
double load = clock.Elapsed.TotalSeconds;
Console.WriteLine(Inv($"{dir}: {dataset.Items.Count:N0} images, dataset scan {load:F3} s, {options.Key}, threads {(threads > 0 ? threads : Environment.ProcessorCount)}"));
if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
var cacheOptions = new PixelCacheOptions { Folder = cacheDir, Threads = threads };

double first = Pass(out var firstStats);
Console.WriteLine(Inv($"pass 1 (decode + write cache): {first:F3} s = {dataset.Items.Count / first:N0} images/s; {firstStats}"));
var cached = new List<double>();
for (int r = 1; r < runs; r++)
{
    cached.Add(Pass(out var stats));
    if (!stats.Hit) throw new InvalidOperationException("expected a cache hit");
}
cached.Sort();
double median = cached[cached.Count / 2];
Console.WriteLine(Inv($"passes 2..{runs} (cached): median {median * 1000:F1} ms (min {cached[0] * 1000:F1}, max {cached[^1] * 1000:F1}); ratio first/cached = {first / median:F1}x"));
Console.WriteLine(Inv($"cache file {new FileInfo(firstStats.File).Length / 1e6:F1} MB; {Memory()}"));
Directory.Delete(cacheDir, true);

double Pass(out PixelCacheStats stats)
{
    var t = Stopwatch.StartNew();
    using var cache = PixelCache.Open(dataset, options, cacheOptions);
    long sum = 0;
    for (int i = 0; i < cache.Count; i++) sum += Sum(cache.GetPixels(i));
    stats = cache.Stats;
    GC.KeepAlive(sum);
    return t.Elapsed.TotalSeconds;
}

// Peak resident set, and now: anonymous (heap) vs file-backed (the mapped cache, which the kernel may drop at will).
static string Memory()
{
    var status = File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("VmHWM") || l.StartsWith("RssAnon") || l.StartsWith("RssFile"));
    return string.Join(", ", status.Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
}

static long Sum(ReadOnlySpan<byte> pixels)
{
    long s = 0;
    foreach (byte b in pixels) s += b;
    return s;
}

int Option(string name, int fallback)
{
    string? v = OptionText(name);
    return v is null ? fallback : int.Parse(v, CultureInfo.InvariantCulture);
}

string? OptionText(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
