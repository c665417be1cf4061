using System.Globalization;
using System.Runtime.InteropServices;
using GenderML.Core.Kernels;

/// <summary>
/// The pointwise kernel's 8×48 blocks over a whole map (its 48-column blocks, no edge), once with each block's K steps
/// in one pass and once in ranges of at most 128 as <see cref="PointwiseConvolution"/> runs them, the two interleaved
/// sample by sample in one process (so a loaded machine weighs on both alike); GFLOP/s by thread CPU time, median and
/// best of the samples.
/// </summary>
internal static unsafe class PointwiseRanges
{
    public static void Run(int runs, int samples)
    {
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine("| layer | one K range: median / best GFLOP/s | ranges of ≤ 128: median / best |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (k, oc, h) in new[] { (256, 256, 14), (256, 512, 7), (512, 512, 7), (128, 128, 14) })
        {
            int hw = h * h, cols = hw / 48 * 48;
            float* x = Alloc((long)k * hw + 64), a = Alloc((long)oc * k), y = Alloc((long)oc * hw + 64), bias = Alloc(oc);
            var times = new List<double>[] { [], [] };
            void Once(int kRange)
            {
                for (int jr = 0; jr < cols; jr += 48)
                for (int k0 = 0; k0 < k; k0 += kRange)
                {
                    int steps = Math.Min(kRange, k - k0);
                    bool end = k0 + steps == k;
                    for (int ir = 0; ir < oc; ir += 8)
                        PointwiseWideKernels.Avx512Kernel8x48(steps, a + (long)ir * k + k0 * 8L, x + (long)k0 * hw + jr, hw,
                            y + (long)ir * hw + jr, hw, end ? bias + ir : null, null, end, extra: false, accumulate: k0 > 0);
                }
            }
            int[] ranges = [k, PointwiseConvolution.KRangeSteps(k)];
            for (int s = 0; s < samples + 1; s++)
            for (int v = 0; v < 2; v++)
            {
                double t0 = CpuClock.ThreadSeconds();
                for (int i = 0; i < runs; i++) Once(ranges[v]);
                if (s > 0) times[v].Add((CpuClock.ThreadSeconds() - t0) / runs);
            }
            double flops = 2.0 * k * oc * cols;
            string Cell(List<double> t) { t.Sort(); return string.Create(ci, $"{flops / t[t.Count / 2] / 1e9:F0} / {flops / t[0] / 1e9:F0}"); }
            Console.WriteLine($"| {k}→{oc} {h}×{h} ({cols} columns) | {Cell(times[0])} | {Cell(times[1])} |");
            foreach (var p in new[] { (nint)x, (nint)a, (nint)y, (nint)bias }) NativeMemory.AlignedFree((void*)p);
        }
    }

    private static float* Alloc(long n)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)(n * 4), 64);
        var r = new Random(1);
        for (long i = 0; i < n; i++) p[i] = (float)r.NextDouble() - 0.5f;
        return p;
    }
}
