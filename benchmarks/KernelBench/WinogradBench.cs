using System.Globalization;
using System.Runtime.InteropServices;
using GenderML.Core.Kernels;

/// <summary>
/// The forward kernels side by side on the face ResNet's 3×3 stride-1 layers (and a few more shapes): direct or
/// im2col-lowered (whichever the dispatch picks without Winograd) against Winograd F(2×2, 3×3), weights packed or transformed once for both,
/// in alternating rounds, process CPU milliseconds per call (median over rounds); also the largest difference from the
/// reference convolution relative to the output's largest magnitude. For the training shapes (batch 64), the input
/// gradient too (Winograd weights transformed per call, as training does).
/// </summary>
internal static unsafe partial class WinogradBench
{
    private static readonly (string Name, ConvGeometry G)[] Layers =
    [
        ("face.32@35", new(32, 32, 35, 35, 32, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face.64@17", new(32, 64, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face.128@8", new(32, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face.256@4", new(32, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face1.32@35", new(1, 32, 35, 35, 32, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face1.64@17", new(1, 64, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face1.128@8", new(1, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face4.128@8", new(4, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face1.256@4", new(1, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face4.256@4", new(4, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("face16.256@4", new(16, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("cnn2.conv2", new(64, 32, 24, 24, 64, 3, 3)),
        ("r18.layer1", new(64, 64, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("r18.layer3", new(64, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
    ];

    public static void Run(int[] threadCounts, int rounds)
    {
        Console.WriteLine("| layer | threads | other kernel | other CPU ms | Winograd CPU ms | speed-up | max rel. error W / other |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---|");
        foreach (var (name, g) in Layers)
        {
            var (x, w, b, y, expected) = ForwardOperands(g);
            PackedWeights otherCache = new(), cache = new();
            bool direct = DirectConvolution.Handles(g);
            fixed (float* px = x, pw = w, pb = b, py = y)
            foreach (int t in threadCounts)
            {
                var ops = new ConvOperands(g, px, pw, pb, py, packed: otherCache);
                var winoOps = new ConvOperands(g, px, pw, pb, py, packed: cache);
                Action other = direct ? () => DirectConvolution.Forward(ops, t) : () => LoweredConvolution.Forward(ops, t);
                Action wino = () => WinogradConvolution.Forward(winoOps, t);
                other();
                double errOther = RelError(expected, y);
                wino();
                double errWino = RelError(expected, y);
                var (o, wi) = Alternate(other, wino, rounds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {t} | {(direct ? "direct" : "lowered")} | {o:F3} | {wi:F3} | {o / wi:F2}× | {errWino:E1} / {errOther:E1} |"));
                if (!WinogradConvolution.HandlesBackwardInput(g) || g.Batch < 64) continue;
                // The input gradient, as training runs it: the lowered pass against Winograd with the flip folded in.
                var dy = Fill(g.OutputLength, 4);
                var dx = new float[g.InputLength];
                var dxExpected = new float[g.InputLength];
                ConvolutionReference.BackwardInput(g, dy, w, dxExpected);
                fixed (float* pdy = dy, pdx = dx)
                {
                    var back = new ConvOperands(g, pdx, pw, null, pdy);
                    Action lowered = () => LoweredConvolution.BackwardInput(back, t);
                    Action winoBack = () => WinogradConvolution.BackwardInput(back, t);
                    lowered();
                    errOther = RelError(dxExpected, dx);
                    winoBack();
                    errWino = RelError(dxExpected, dx);
                    var (lo, wb) = Alternate(lowered, winoBack, rounds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} ∂X | {t} | lowered | {lo:F3} | {wb:F3} | {lo / wb:F2}× | {errWino:E1} / {errOther:E1} |"));
                }
            }
        }
    }

    private static readonly (string Name, ConvGeometry G)[] TrainingLayers =
    [
        ("cnn2.conv2", new(64, 32, 24, 24, 64, 3, 3)),
        ("cnn3.conv2", new(64, 32, 25, 25, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("cnn3.conv3", new(64, 64, 12, 12, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b32", new(64, 32, 64, 64, 32, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b64.conv2", new(64, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b128.conv2", new(64, 128, 16, 16, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b256.conv2", new(64, 256, 8, 8, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
    ];

    /// <summary>The training networks' stride-1 input gradients: F(2×2, 3×3) Winograd (or the lowered kernel where
    /// it does not apply) against F(4×4, 3×3), alternating rounds, medians, and each one's largest difference from
    /// the reference relative to the largest |∂X|.</summary>
    public static void RunBackwardInput(int[] threadCounts, int rounds, string prefix)
    {
        Console.WriteLine("| layer | threads | other kernel | other CPU ms | F(4×4) CPU ms | speed-up | max rel. error F4 / other |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---|");
        foreach (var (name, g) in TrainingLayers)
        {
            if (!WinogradF4Convolution.HandlesBackwardInput(g) || !name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var w = Fill(g.WeightLength, 2);
            var dy = Fill(g.OutputLength, 4);
            var dx = new float[g.InputLength];
            var expected = new float[g.InputLength];
            ConvolutionReference.BackwardInput(g, dy, w, expected);
            bool f2 = WinogradConvolution.HandlesBackwardInput(g);
            fixed (float* pw = w, pdy = dy, pdx = dx)
            foreach (int t in threadCounts)
            {
                var back = new ConvOperands(g, pdx, pw, null, pdy);
                Action other = f2 ? () => WinogradConvolution.BackwardInput(back, t) : () => LoweredConvolution.BackwardInput(back, t);
                Action f4 = () => WinogradF4Convolution.BackwardInput(back, t);
                other();
                double errOther = RelError(expected, dx);
                f4();
                double errF4 = RelError(expected, dx);
                var (o, q) = Alternate(other, f4, rounds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} ∂X | {t} | {(f2 ? "F(2×2)" : "lowered")} | {o:F3} | {q:F3} | {o / q:F2}× | {errF4:E1} / {errOther:E1} |"));
                if (!WinogradF4Convolution.Handles(g) || !WinogradConvolution.Handles(g, cached: false)) continue;
                // The forward pass with the weights transformed per call, as training runs it.
                var x = Fill(g.InputLength, 1);
                var y = new float[g.OutputLength];
                var yExpected = new float[g.OutputLength];
                ConvolutionReference.Forward(g, x, w, [], yExpected);
                fixed (float* px = x, py = y)
                {
                    var fwd = new ConvOperands(g, px, pw, null, py);
                    Action f2Forward = () => WinogradConvolution.Forward(fwd, t);
                    Action f4Forward = () => WinogradF4Convolution.Forward(fwd, t, GemmBlocking.BestIsa);
                    f2Forward();
                    errOther = RelError(yExpected, y);
                    f4Forward();
                    errF4 = RelError(yExpected, y);
                    var (a, b) = Alternate(f2Forward, f4Forward, rounds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} forward | {t} | F(2×2) | {a:F3} | {b:F3} | {a / b:F2}× | {errF4:E1} / {errOther:E1} |"));
                }
            }
        }
    }

    private static (double, double) Alternate(Action a, Action b, int rounds)
    {
        for (int i = 0; i < 3; i++) { a(); b(); }
        var ta = new List<double>();
        var tb = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            ta.Add(Time(a));
            tb.Add(Time(b));
        }
        ta.Sort();
        tb.Sort();
        return (ta[ta.Count / 2], tb[tb.Count / 2]);
    }

    /// <summary>Process CPU ms per call over ≥ 0.15 CPU-s of calls.</summary>
    private static double Time(Action run)
    {
        double start = ProcessSeconds(), now;
        int calls = 0;
        do { run(); calls++; } while ((now = ProcessSeconds()) - start < 0.15);
        return (now - start) * 1e3 / calls;
    }

    private static double RelError(float[] expected, float[] actual)
    {
        double max = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return max / scale;
    }

    /// <summary>A layer's input, weights and bias (seeds 1–3), an output buffer, and the reference output.</summary>
    private static (float[] X, float[] W, float[] B, float[] Y, float[] Expected) ForwardOperands(in ConvGeometry g)
    {
        var x = Fill(g.InputLength, 1);
        var w = Fill(g.WeightLength, 2);
        var b = Fill(g.OutChannels, 3);
        var expected = new float[g.OutputLength];
        ConvolutionReference.Forward(g, x, w, b, expected);
        return (x, w, b, new float[g.OutputLength], expected);
    }

    private static float[] Fill(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble() - 0.5f;
        return data;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private static double ProcessSeconds()
    {
        if (ClockGetTime(2, out var t) != 0) throw new InvalidOperationException("clock_gettime failed");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
