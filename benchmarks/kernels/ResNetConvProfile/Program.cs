// Per-layer convolution timings of resnet18-64-rgb (batch 64) and cnn2-50-gray (batch 256): milliseconds per
// forward, input-gradient and weight-gradient pass, wall and process CPU (median of ~10 ms samples after warm-up),
// and the totals weighted by how often each shape occurs in the network (cnn2 rows count 0).
// usage: ResNetConvProfile [threads=2] [seconds=0.5] [name prefix | step]
// Peer: benchmarks/kernels/resnet18_conv_peers.py prints the same rows for PyTorch.
using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.Core.Kernels;

int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0.5;
string? only = args.Length > 2 ? args[2] : null;
var layers = new (string Name, int Count, ConvGeometry G, bool NeedDx)[]
{
    ("c2.conv1", 0, new ConvGeometry(256, 1, 50, 50, 32, 3, 3), false),
    ("c2.conv2", 0, new ConvGeometry(256, 32, 24, 24, 64, 3, 3), true),
    ("stem7x7s2", 1, new ConvGeometry(64, 3, 64, 64, 64, 7, 7, 2, 2, 3, 3, 3, 3), false),
    ("l1.3x3", 4, new ConvGeometry(64, 64, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1, 1), true),
    ("l2.3x3s2", 1, new ConvGeometry(64, 64, 16, 16, 128, 3, 3, 2, 2, 1, 1, 1, 1), true),
    ("l2.ds1x1s2", 1, new ConvGeometry(64, 64, 16, 16, 128, 1, 1, 2, 2), true),
    ("l2.3x3", 3, new ConvGeometry(64, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1), true),
    ("l3.3x3s2", 1, new ConvGeometry(64, 128, 8, 8, 256, 3, 3, 2, 2, 1, 1, 1, 1), true),
    ("l3.ds1x1s2", 1, new ConvGeometry(64, 128, 8, 8, 256, 1, 1, 2, 2), true),
    ("l3.3x3", 3, new ConvGeometry(64, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1), true),
    ("l4.3x3s2", 1, new ConvGeometry(64, 256, 4, 4, 512, 3, 3, 2, 2, 1, 1, 1, 1), true),
    ("l4.ds1x1s2", 1, new ConvGeometry(64, 256, 4, 4, 512, 1, 1, 2, 2), true),
    ("l4.3x3", 3, new ConvGeometry(64, 512, 2, 2, 512, 3, 3, 1, 1, 1, 1, 1, 1), true),
};
if (only == "step") { Step.Run(threads, (a, s) => Measure(a, s)); return; }
var o = new ComputeOptions { Threads = threads };
double tf = 0, tdx = 0, tdw = 0, cf = 0, cdx = 0, cdw = 0;
foreach (var (name, count, g, needDx) in layers)
{
    if (only != null && !name.StartsWith(only)) continue;
    var x = Fill(g.InputLength, 1); var w = Fill(g.WeightLength, 2);
    var y = new float[g.OutputLength]; var dy = Fill(g.OutputLength, 4);
    var dx = new float[g.InputLength]; var dw = new float[g.WeightLength];
    double flops = 2.0 * g.OutputLength * g.InChannels * g.KernelHeight * g.KernelWidth;
    var (f, fc) = Measure(() => Convolution.Forward(g, x, w, default, y, o), seconds);
    var (bi, bic) = needDx ? Measure(() => Convolution.BackwardInput(g, dy, w, dx, o), seconds) : (0, 0);
    var (bw, bwc) = Measure(() => Convolution.BackwardWeight(g, x, dy, dw, default, o), seconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-12} x{count} fwd {f,7:F3} ms ({flops / f / 1e6,5:F0} GF/s) dX {bi,7:F3} ({(bi > 0 ? flops / bi / 1e6 : 0),5:F0}) dW {bw,7:F3} ({flops / bw / 1e6,5:F0})  cpu {fc:F2}/{bic:F2}/{bwc:F2}"));
    tf += count * f; tdx += count * bi; tdw += count * bw; cf += count * fc; cdx += count * bic; cdw += count * bwc;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TOTAL wall fwd {tf:F1} dX {tdx:F1} dW {tdw:F1} = {tf + tdx + tdw:F1} ms; cpu {cf:F1}/{cdx:F1}/{cdw:F1} = {cf + cdx + cdw:F1}"));

static float[] Fill(int n, int seed) { var r = new Random(seed); var d = new float[n]; for (int i = 0; i < n; i++) d[i] = r.NextSingle() - 0.5f; return d; }

static (double, double) Measure(Action run, double seconds)
{
    var warm = Stopwatch.StartNew(); int calls = 0;
    while (warm.Elapsed.TotalSeconds < 0.3 || calls < 30) { run(); calls++; }
    var proc = Process.GetCurrentProcess();
    var samples = new List<double>(); var cpus = new List<double>();
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds || samples.Count < 7)
    {
        proc.Refresh(); var c0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew(); int reps = 0;
        do { run(); reps++; } while (sw.Elapsed.TotalMilliseconds < 10);
        double el = sw.Elapsed.TotalMilliseconds / reps;
        proc.Refresh(); cpus.Add((proc.TotalProcessorTime - c0).TotalMilliseconds / reps);
        samples.Add(el);
    }
    samples.Sort(); cpus.Sort();
    return (samples[samples.Count / 2], cpus[cpus.Count / 2]);
}
