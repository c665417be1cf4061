// Decode + resize to 50x50 gray over a folder of JPEGs: images per second on 1..N threads.
// Prints one TSV row per (variant, threads): name, threads, wall images/s (median of passes),
// images per CPU-second per thread (median; thread CPU time from clock_gettime), checksum.
// Usage: ImagingBench --dir DIR [--threads 1,2] [--passes 5] [--size 50]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using GenderML.Imaging;

string dir = "../shared/data/kaggle-gender/train";
int[] threadCounts = [1, 2];
int passes = 5, size = 50;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--dir": dir = args[++i]; break;
        case "--threads": threadCounts = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--passes": passes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--size": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 1;
    }
}

string[] files = Directory.EnumerateFiles(dir, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
if (files.Length == 0)
{
    Console.Error.WriteLine($"{dir}: no .jpg files");
    return 1;
}

var variants = new (string Name, Func<string, Image> Run)[]
{
    // The product path: DCT-scaled gray decode (5/8 for 83x108 → 52x68), then area resize.
    ("ours-scaled", p => Image.LoadResized(p, size, size, PixelFormat.Gray8)),
    // Full-resolution gray decode (no DCT scaling), then area resize: the like-for-like peer of OpenCV's imread(GRAYSCALE).
    ("ours-fullres", p => Image.Load(p, new ImageLoadOptions { Format = PixelFormat.Gray8 }).Resize(size, size)),
};

foreach (var (name, run) in variants)
{
    foreach (int threads in threadCounts)
    {
        RunPass(run, threads); // warm-up: page cache, JIT tiers, per-thread decoder handles
        RunPass(run, threads);
        var wall = new List<double>();
        var cpu = new List<double>();
        long checksum = 0;
        for (int p = 0; p < passes; p++)
        {
            (double seconds, double cpuSeconds, checksum) = RunPass(run, threads);
            wall.Add(files.Length / seconds);
            cpu.Add(files.Length / cpuSeconds);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}\t{threads}\t{Median(wall):F0}\t{Median(cpu):F0}\t{checksum}"));
    }
}
return 0;

static double Median(List<double> values)
{
    values.Sort();
    return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
}

(double Seconds, double CpuSeconds, long Checksum) RunPass(Func<string, Image> run, int threads)
{
    long[] sums = new long[threads];
    double[] cpuSeconds = new double[threads];
    var workers = new Thread[threads];
    using var start = new Barrier(threads + 1);
    for (int t = 0; t < threads; t++)
    {
        int id = t;
        workers[t] = new Thread(() =>
        {
            int from = (int)((long)files.Length * id / threads), to = (int)((long)files.Length * (id + 1) / threads);
            start.SignalAndWait();
            double c0 = ThreadCpu.Seconds();
            long sum = 0;
            for (int i = from; i < to; i++)
                sum += run(files[i]).Pixels[size * size / 2];
            cpuSeconds[id] = ThreadCpu.Seconds() - c0;
            sums[id] = sum;
        });
        workers[t].Start();
    }
    start.SignalAndWait();
    var clock = Stopwatch.StartNew();
    foreach (Thread w in workers)
        w.Join();
    return (clock.Elapsed.TotalSeconds, cpuSeconds.Sum(), sums.Sum());
}

/// <summary>The calling thread's CPU time (Linux/macOS clock_gettime(CLOCK_THREAD_CPUTIME_ID)).</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Seconds() => ClockGetTime(ClockThreadCpuTime, out TimeSpec t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
