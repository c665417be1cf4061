using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.Core.Kernels;

/// <summary>
/// GenderML.Core's Convolution.Forward on the face ResNet's conv shapes (batch 32, NCHW), best of 15 after warm-up;
/// the PyTorch twin is benchmarks/faceapi/faceresnet_layers_peer.py.
/// </summary>
internal static class LayerBench
{
    public static readonly (int C, int Oc, int Hw, int K, int S)[] Shapes =
        [(3, 32, 150, 7, 2), (32, 32, 35, 3, 1), (64, 64, 17, 3, 1), (128, 128, 8, 3, 1), (256, 256, 4, 3, 1)];

    public static void Run(int[] threadCounts)
    {
        foreach (int t in threadCounts)
        foreach (var (c, oc, hw, k, s) in Shapes)
        {
            int pad = s == 1 ? 1 : 0;
            var g = new ConvGeometry(32, c, hw, hw, oc, k, k, s, s, pad, pad, pad, pad);
            var rng = new Random(1);
            float[] x = Enumerable.Range(0, g.InputLength).Select(_ => (float)rng.NextDouble()).ToArray();
            float[] w = Enumerable.Range(0, g.WeightLength).Select(_ => (float)rng.NextDouble()).ToArray();
            var b = new float[oc];
            var y = new float[g.OutputLength];
            var options = new ComputeOptions { Threads = t };
            double best = double.MaxValue;
            for (int r = 0; r < 17; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Convolution.Forward(g, x, w, b, y, options);
                if (r >= 2) best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            double gflop = 2.0 * g.OutputLength * c * k * k / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"framework\": \"GenderML\", \"conv\": \"{c}->{oc} {hw}x{hw} k{k} s{s}\", \"batch\": 32, \"threads\": {t}, \"ms\": {best:F2}, \"gflops\": {gflop / best * 1000:F1}}}"));
        }
    }
}
