// SGEMM throughput of GenderML.Core's Gemm: median GFLOP/s over timed repetitions after warm-up.
// Usage: KernelBench [--threads 1,2] [--shapes MxNxK,...] [--seconds S]
// Prints one line per (shape, threads): "sgemm M N K threads gflops".
using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.Core.Kernels;

var inv = CultureInfo.InvariantCulture;
int[] threadCounts = [1, 2];
var shapes = new List<(int M, int N, int K)>
{
    (256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
    (64, 2304 * 8, 576), (32, 2304 * 64, 9), (128, 576 * 64, 1152),
};
double seconds = 1.0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads":
            threadCounts = args[++i].Split(',').Select(s => int.Parse(s, inv)).ToArray();
            break;
        case "--shapes":
            shapes = args[++i].Split(',').Select(s =>
            {
                var p = s.Split('x').Select(v => int.Parse(v, inv)).ToArray();
                return (p[0], p[1], p[2]);
            }).ToList();
            break;
        case "--seconds":
            seconds = double.Parse(args[++i], inv);
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 1;
    }
}

foreach (var (m, n, k) in shapes)
{
    var a = new float[(long)m * k];
    var b = new float[(long)k * n];
    var c = new float[(long)m * n];
    var rng = new Random(1);
    for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
    for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
    foreach (int t in threadCounts)
    {
        var options = new ComputeOptions { Threads = t };
        double flops = 2.0 * m * n * k;
        Console.WriteLine(string.Create(inv, $"sgemm {m} {n} {k} {t} {Measure(() => Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n, false, options), flops, seconds):F1}"));
    }
}
return 0;

static double Measure(Action run, double flops, double seconds)
{
    // Warm-up long enough for tier-1 code (the JIT promotes after 30 calls and a background delay).
    var warm = Stopwatch.StartNew();
    int calls = 0;
    while (warm.Elapsed.TotalSeconds < 0.6 || calls < 50) { run(); calls++; }
    var samples = new List<double>();
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds || samples.Count < 5)
    {
        var sw = Stopwatch.StartNew();
        int reps = 0;
        do { run(); reps++; } while (sw.Elapsed.TotalMilliseconds < 20);
        samples.Add(flops * reps / sw.Elapsed.TotalSeconds / 1e9);
    }
    samples.Sort();
    return samples[samples.Count / 2];
}
