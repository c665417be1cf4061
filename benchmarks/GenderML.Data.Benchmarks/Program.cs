// Times the pixel cache: pass 1 decodes every image of DIR into a fresh cache folder, then passes 2..R open the
// cache (stat check + mapping) and read every sample once. Prints the median of the cached passes and the ratio.
// usage: dotnet run -c Release -- DIR [--size 50] [--rgb] [--runs 7] [--threads 0] [--cache-dir D]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
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

double firstCpu = Cpu();
double first = Pass(out var firstStats);
firstCpu = Cpu() - firstCpu;
Console.WriteLine(Inv($"pass 1 (decode + write cache): {first:F3} s wall, {firstCpu:F3} s cpu = {dataset.Items.Count / first:N0} images/s wall; {firstStats}"));
var cached = new List<double>();
var cachedCpu = new List<double>();
for (int r = 1; r < runs; r++)
{
    double c0 = Cpu();
    cached.Add(Pass(out var stats));
    cachedCpu.Add(Cpu() - c0);
    if (!stats.Hit) throw new InvalidOperationException("expected a cache hit");
}
cached.Sort();
cachedCpu.Sort();
double median = cached[cached.Count / 2], medianCpu = cachedCpu[cachedCpu.Count / 2];
Console.WriteLine(Inv($"passes 2..{runs} (cached): median {median * 1000:F1} ms wall (min {cached[0] * 1000:F1}, max {cached[^1] * 1000:F1}), {medianCpu * 1000:F1} ms cpu; ratio first/cached = {first / median:F1}x wall, {firstCpu / medianCpu:F1}x cpu"));
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

// Process CPU seconds (user + system, all threads).
static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

// Touches every byte of a sample (a checksum, 64 bytes a step) so the pass really reads the pixels.
static long Sum(ReadOnlySpan<byte> pixels)
{
    long total = 0;
    int i = 0;
    ref byte r = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(pixels);
    while (i <= pixels.Length - 64)
    {
        var acc = Vector512<ushort>.Zero; // at most 128 steps of 2·255 a lane: no overflow
        for (int step = 0; step < 128 && i <= pixels.Length - 64; step++, i += 64)
        {
            var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
            acc += lo + hi;
        }
        total += Vector512.Sum(Vector512.WidenLower(acc) + Vector512.WidenUpper(acc));
    }
    for (; i < pixels.Length; i++) total += pixels[i];
    return total;
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
