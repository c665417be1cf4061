using System.Diagnostics;
using System.Globalization;
using GenderML.Core.Kernels;
using GenderML.Core.Ops;

/// <summary>
/// The age/gender net's kernels one at a time, one image, 1 thread, in steady state (each warmed up for 0.4 s so the
/// JIT's last tier runs): every separable layer shape (depthwise + pointwise banded, and the two kernels apart), the
/// 1×1/2 shortcut convolutions with their residual add, the 3×3/2 max pools, the stem convolution. Median (or the
/// fastest) of the samples of runs, thread CPU µs.
/// </summary>
internal static unsafe class SeparableLayers
{
    public static void Run(int runs)
    {
        var ci = CultureInfo.InvariantCulture;
        var isa = GemmBlocking.BestIsa;
        Console.WriteLine("| layer | banded µs | depthwise µs | pointwise µs | pointwise GFLOP/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (c, oc, h, relu) in new[] { (32, 64, 56, false), (64, 64, 56, false), (64, 128, 28, true),
            (128, 128, 28, false), (128, 128, 14, true), (128, 128, 14, false), (128, 256, 14, true),
            (256, 256, 14, false), (256, 512, 7, false) })
        {
            var g = new ConvGeometry(1, c, h, h, c, 3, 3, 1, 1, 1, 1, 1, 1, c);
            var pg = new ConvGeometry(1, c, h, h, oc, 1, 1);
            float[] x = Random(c * h * h, 1), dw = Random(c * 9, 2), pw = Random(c * oc, 3), b = Random(oc, 4);
            float[] mid = new float[c * h * h], y = new float[oc * h * h];
            float[] packed = GC.AllocateUninitializedArray<float>(PointwiseConvolution.PackedLength(pg, isa), pinned: true);
            double banded, depthwise, pointwise;
            fixed (float* px = x, pdw = dw, ppw = pw, pb = b, pm = mid, py = y, pa = packed)
            {
                PointwiseConvolution.PackWeights(pg, ppw, isa, pa);
                float* a = pa;
                var dops = new ConvOperands(g, px, pdw, null, pm);
                var pops = new ConvOperands(pg, pm, ppw, pb, py, relu: true);
                banded = Time(() => SeparableConvolution.Forward(dops, relu, pops, 1, isa, a), runs);
                depthwise = Time(() => Depthwise3x3.Forward(dops, relu, 1, isa), runs);
                pointwise = Time(() => PointwiseConvolution.Forward(pops, 1, isa, a), runs);
            }
            Console.WriteLine(string.Create(ci, $"| {(relu ? "ReLU + " : "")}sep {c}→{oc} {h}×{h} + ReLU | {banded:F1} | "
                + $"{depthwise:F1} | {pointwise:F1} | {2.0 * h * h * c * oc / pointwise / 1e3:F0} |"));
        }
        Console.WriteLine();
        Console.WriteLine("| layer | µs |");
        Console.WriteLine("|---|---:|");
        foreach (var (c, oc, h) in new[] { (32, 64, 56), (64, 128, 28), (128, 256, 14) })
        {
            var g = new ConvGeometry(1, c, h, h, oc, 1, 1, 2, 2);
            float[] x = Random(c * h * h, 5), w = Random(c * oc, 6), b = Random(oc, 7);
            float[] r = Random(g.OutputLength, 8), y = new float[g.OutputLength];
            var cache = new PackedWeights();
            double shortcut;
            fixed (float* px = x, pw = w, pb = b, py = y, pr = r)
            {
                var ops = new ConvOperands(g, px, pw, pb, py, residual: pr, packed: cache);
                shortcut = Time(() => PointwiseConvolution.Forward(ops, 1), runs);
            }
            GC.KeepAlive(cache);
            var pool = new PoolGeometry(oc, h, h, 3, 2, 0, 0, 1, 1);
            float[] pin = Random(oc * h * h, 9), pout = new float[oc * (h / 2) * (h / 2)];
            double pooled = Time(() => MaxPoolSmall.Forward(pool, pin, pout, 0, oc), runs);
            Console.WriteLine(string.Create(ci, $"| shortcut 1×1/2 {c}→{oc} {h}×{h} + add | {shortcut:F1} |"));
            Console.WriteLine(string.Create(ci, $"| max pool 3×3/2 {oc}×{h}×{h} | {pooled:F1} |"));
        }
        // The stem as the dispatch runs it: 3×3/2 'same' (padded below and right) 3→32 on 112×112 + ReLU, cached weights.
        var stem = new ConvGeometry(1, 3, 112, 112, 32, 3, 3, 2, 2, 0, 0, 1, 1);
        float[] sx = Random(stem.InputLength, 10), sw = Random(stem.WeightLength, 11), sb = Random(32, 12);
        float[] sy = new float[stem.OutputLength];
        var stemCache = new PackedWeights();
        fixed (float* px = sx, pw = sw, pb = sb, py = sy)
        {
            var ops = new ConvOperands(stem, px, pw, pb, py, relu: true, packed: stemCache);
            double direct = Time(() => DirectConvolution.Forward(ops, 1), runs);
            Console.WriteLine(string.Create(ci, $"| stem 3×3/2 3→32 112×112 + ReLU (direct kernel) | {direct:F1} |"));
        }
        GC.KeepAlive(stemCache);
    }

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)random.NextDouble() - 0.5f;
        return values;
    }

    /// <summary>Samples per timing and whether the fastest is reported instead of the median (on a loaded machine).</summary>
    public static int Samples = 5;
    public static bool Best;

    private static double Time(Action action, int runs)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 400) action();
        var samples = new double[Samples];
        for (int r = 0; r < samples.Length; r++)
        {
            double t0 = CpuClock.ThreadSeconds();
            for (int i = 0; i < runs; i++) action();
            samples[r] = (CpuClock.ThreadSeconds() - t0) / runs * 1e6;
        }
        Array.Sort(samples);
        return Best ? samples[0] : samples[samples.Length / 2];
    }
}
