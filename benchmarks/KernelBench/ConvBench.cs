using System.Globalization;
using GenderML.Core;
using GenderML.Core.Kernels;

/// <summary>Milliseconds per convolution pass for the layers of the benchmark networks.</summary>
internal static class ConvBench
{
    /// <summary>name, geometry: cnn2-50-gray at batch 256 and the 3×3 layers of resnet18-64-rgb at batch 64.</summary>
    public static readonly (string Name, ConvGeometry G)[] Layers =
    [
        ("cnn2.conv1", new ConvGeometry(256, 1, 50, 50, 32, 3, 3)),
        ("cnn2.conv2", new ConvGeometry(256, 32, 24, 24, 64, 3, 3)),
        ("r18.conv1", new ConvGeometry(64, 3, 64, 64, 64, 7, 7, 2, 2, 3, 3, 3, 3)),
        ("r18.layer1", new ConvGeometry(64, 64, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("r18.layer2", new ConvGeometry(64, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("r18.layer3", new ConvGeometry(64, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("r18.layer4", new ConvGeometry(64, 512, 2, 2, 512, 3, 3, 1, 1, 1, 1, 1, 1)),
    ];

    public static void Run(int[] threadCounts, double seconds, bool cpuTime, Func<Action, double, double, bool, double> measure)
    {
        foreach (var (name, g) in Layers)
        {
            var x = Fill(g.InputLength, 1);
            var w = Fill(g.WeightLength, 2);
            var b = Fill(g.OutChannels, 3);
            var y = new float[g.OutputLength];
            var dy = Fill(g.OutputLength, 4);
            var dx = new float[g.InputLength];
            var dw = new float[g.WeightLength];
            var db = new float[g.OutChannels];
            foreach (int t in threadCounts)
            {
                var o = new ComputeOptions { Threads = t };
                // measure() returns flops·calls/s/1e9; with flops = 1e9 that is calls per second, so 1000 / it is ms per call.
                double fwd = 1e3 / measure(() => Convolution.Forward(g, x, w, b, y, o), 1e9, seconds, cpuTime);
                double bwdIn = 1e3 / measure(() => Convolution.BackwardInput(g, dy, w, dx, o), 1e9, seconds, cpuTime);
                double bwdW = 1e3 / measure(() => Convolution.BackwardWeight(g, x, dy, dw, db, o), 1e9, seconds, cpuTime);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conv {name} {t} {fwd:F3} {bwdIn:F3} {bwdW:F3}"));
            }
        }
    }

    private static float[] Fill(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble() - 0.5f;
        return data;
    }
}
