// SGEMM throughput of GenderML.Core's Gemm: median GFLOP/s over timed repetitions after warm-up.
// Usage: KernelBench [--threads 1,2] [--shapes MxNxK,...] [--seconds S] [--tune MR,MC,KC,NC] [--cpu] [--conv] [--micro MR]
// --conv prints "conv LAYER threads forwardMs backwardInputMs backwardWeightMs" for the benchmark networks' layers.
// --winograd ROUNDS (after --threads) prints a table: Winograd against the other forward kernels, 3×3 stride-1 layers.
// --winograd-f4 ROUNDS (after --threads): inference's stride-1 3×3 layers, F(2×2, 3×3) cached against F(4×4, 3×3).
// --winograd-backward ROUNDS [PREFIX] (after --threads): the training layers' input gradients, F(2×2, 3×3) against F(4×4, 3×3).
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
bool cpuTime = false;
bool runConv = false;
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
        case "--tune":
            var v = args[++i].Split(',').Select(s => int.Parse(s, inv)).ToArray();
            GemmBlocking.Tuning = new GemmBlocking(GemmIsa.Avx512, MR: v[0], NR: 32, MC: v[1], KC: v[2], NC: v[3]);
            break;
        case "--conv":
            runConv = true;
            break;
        case "--winograd":
            WinogradBench.Run(threadCounts, int.Parse(args[++i], inv));
            return 0;
        case "--winograd-f4":
            WinogradBench.RunInferenceF4(threadCounts, int.Parse(args[++i], inv));
            return 0;
        case "--winograd-backward":
            WinogradBench.RunBackwardInput(threadCounts, int.Parse(args[++i], inv),
                i + 1 < args.Length ? args[++i] : "");
            return 0;
        case "--micro":
            MicroKernel(int.Parse(args[++i], inv));
            return 0;
        case "--cpu":
            cpuTime = true;
            break;
        case "--seconds":
            seconds = double.Parse(args[++i], inv);
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 1;
    }
}

if (runConv)
{
    ConvBench.Run(threadCounts, seconds, cpuTime, Measure);
    return 0;
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
        Console.WriteLine(string.Create(inv, $"sgemm {m} {n} {k} {t} {Measure(() => Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n, false, options), flops, seconds, cpuTime):F1}"));
    }
}
return 0;

// Microkernel ceiling: one MR×32 kernel over L1-resident packed panels (kc = 256), GFLOP/s per CPU second.
static unsafe void MicroKernel(int mr)
{
    const int kc = 256;
    float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(mr * kc * 4), 64);
    float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(kc * 32 * 4, 64);
    float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(mr * 32 * 4), 64);
    for (int i = 0; i < mr * kc; i++) a[i] = 0.001f * (i % 7);
    for (int i = 0; i < kc * 32; i++) b[i] = 0.001f * (i % 5);
    double flops = 2.0 * mr * 32 * kc * 1000;
    double g = Measure(() =>
    {
        for (int r = 0; r < 1000; r++)
        {
            if (mr == 8) GemmMicroKernels.Avx512Kernel8x32(kc, a, b, c, 32, true);
            else if (mr == 12) GemmMicroKernels.Avx512Kernel12x32(kc, a, b, c, 32, true);
            else GemmMicroKernels.Avx512Kernel14x32(kc, a, b, c, 32, true);
        }
    }, flops, 1.0, cpuTime: true);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"micro {mr}x32 {g:F1}"));
}

// With cpuTime, divides by the process's CPU time instead of wall time: on a shared machine this shows what
// the code does while it runs, not how often it was scheduled.
static double Measure(Action run, double flops, double seconds, bool cpuTime)
{
    var process = System.Diagnostics.Process.GetCurrentProcess();
    // Warm-up long enough for tier-1 code (the JIT promotes after 30 calls and a background delay).
    var warm = Stopwatch.StartNew();
    int calls = 0;
    while (warm.Elapsed.TotalSeconds < 0.6 || calls < 50) { run(); calls++; }
    var samples = new List<double>();
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds || samples.Count < 5)
    {
        var sw = Stopwatch.StartNew();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        int reps = 0;
        do { run(); reps++; } while (sw.Elapsed.TotalMilliseconds < 20);
        double elapsed = sw.Elapsed.TotalSeconds;
        process.Refresh();
        if (cpuTime) elapsed = (process.TotalProcessorTime - cpu0).TotalSeconds;
        samples.Add(flops * reps / elapsed / 1e9);
    }
    samples.Sort();
    return samples[samples.Count / 2];
}
