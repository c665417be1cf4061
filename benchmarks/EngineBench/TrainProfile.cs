using System.Globalization;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Losses;
using GenderML.Core.Optimizers;

/// <summary>
/// Where a training step's time goes: the step of <c>BinaryTrainingStep</c> (zero gradients, forward, BCE with
/// logits, backward, AdamW) taken apart layer by layer through the network's top-level steps, forward and backward
/// timed separately (median process CPU time over the runs, all threads), as a markdown table.
/// </summary>
internal static class TrainProfile
{
    /// <summary>Warm-up steps before the timed ones (<c>--warm</c>), at most 10 s of them; the JIT's later tiers
    /// (compiled in the background, which counts in process CPU time) come after about 70 steps.</summary>
    public static int WarmSteps { get; set; } = 100;

    public static void Run(string network, int threads, int batch, int runs)
    {
        var spec = network switch
        {
            "cnn2-50-gray" => new NetworkSpec(NetworkPreset.Cnn2, 1, 50, 0),
            "cnn3-50-gray" => new NetworkSpec(NetworkPreset.Cnn3, 1, 50, 0),
            "resnet-64-rgb" => new NetworkSpec(NetworkPreset.ResNet, 3, 64, 0),
            _ => throw new ArgumentException($"unknown network '{network}' (cnn2-50-gray, cnn3-50-gray, resnet-64-rgb)"),
        };
        var net = (Sequential)spec.Build(seed: 1).Network;
        net.SetCompute(new ComputeOptions { Threads = threads });
        net.SetTraining(true);
        net.InputGradientNeeded = false;
        var optimizer = new AdamW(net.Parameters(), new AdamOptions(LearningRate: 2e-3));
        var loss = new BinaryCrossEntropyWithLogits();
        var random = new Random(2);
        var x = new Tensor(batch, spec.Channels, spec.Size, spec.Size);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.NextSingle();
        var y = new float[batch];
        for (int i = 0; i < batch; i++) y[i] = i % 2;
        var layers = net.Layers;
        int n = layers.Count;
        var fwd = new List<double>[n];
        var bwd = new List<double>[n];
        var shapes = new string[n];
        for (int i = 0; i < n; i++) (fwd[i], bwd[i]) = ([], []);
        List<double> zero = [], lossTimes = [], step = [], total = [], wall = [], others = [];
        Tensor? gradient = null;
        long warmStart = System.Diagnostics.Stopwatch.GetTimestamp();
        int warm = int.MaxValue;
        for (int r = 0; warm == int.MaxValue || r < warm + runs; r++)
        {
            if (warm == int.MaxValue && (r >= WarmSteps || r >= 3 && System.Diagnostics.Stopwatch.GetElapsedTime(warmStart).TotalSeconds >= 10)) warm = r;
            bool keep = r >= warm;
            double t0 = CpuClock.ProcessSeconds(), start = t0;
            long wall0 = System.Diagnostics.Stopwatch.GetTimestamp();
            double thread0 = CpuClock.ThreadSeconds();
            double Lap(List<double> into)
            {
                double t = CpuClock.ProcessSeconds();
                if (keep) into.Add((t - t0) * 1000);
                t0 = t;
                return t;
            }
            optimizer.ZeroGradients();
            Lap(zero);
            layers[0].InputGradientNeeded = false;
            var t = x;
            for (int i = 0; i < n; i++)
            {
                t = net.ForwardAt(i, t); // with the Sequential's fusions of neighbouring layers
                shapes[i] = t.ToString();
                Lap(fwd[i]);
            }
            gradient ??= new Tensor([.. t.Shape]);
            loss.Compute(t, y, gradient);
            Lap(lossTimes);
            var g = gradient;
            for (int i = n - 1; i >= 0;)
            {
                int next = net.BackwardAt(i, ref g); // with the Sequential's fusions: a fused pass's time is in its last layer's row
                Lap(bwd[i]);
                for (int k = next + 1; k < i; k++) if (keep) bwd[k].Add(0);
                i = next;
            }
            optimizer.Step();
            double end = Lap(step);
            if (keep) total.Add((end - start) * 1000);
            if (keep) others.Add((end - start - (CpuClock.ThreadSeconds() - thread0)) * 1000);
            if (keep) wall.Add(System.Diagnostics.Stopwatch.GetElapsedTime(wall0).TotalMilliseconds);
        }
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"ours: {network} training step, batch {batch}, {threads} thread(s), median of {runs} runs (process CPU ms)");
        Console.WriteLine("| step | layer | output | forward | backward |");
        Console.WriteLine("|---|---|---|---:|---:|");
        double sf = 0, sb = 0;
        for (int i = 0; i < n; i++)
        {
            double f = Median(fwd[i]), b = Median(bwd[i]);
            sf += f;
            sb += b;
            Console.WriteLine(string.Create(ci, $"| {i} | {layers[i].GetType().Name} | {shapes[i]} | {f:F2} | {b:F2} |"));
        }
        Console.WriteLine(string.Create(ci, $"| | layers | | {sf:F2} | {sb:F2} |"));
        Console.WriteLine(string.Create(ci, $"| | zero gradients {Median(zero):F2}, loss {Median(lossTimes):F2}, AdamW {Median(step):F2} | | | |"));
        Console.WriteLine(string.Create(ci, $"| | step (median; wall {Median(wall):F2}) | | {Median(total):F2} | |"));
        // A step is the sum of its laps run by run; the sum of the parts' medians falls short of the step's median by
        // the spread of the parts (each median drops its part's slow runs), their means add up.
        double medians = sf + sb + Median(zero) + Median(lossTimes) + Median(step);
        double means = fwd.Concat(bwd).Append(zero).Append(lossTimes).Append(step).Sum(Mean);
        Console.WriteLine(string.Create(ci,
            $"| | sum of the parts' medians {medians:F2}; step mean {Mean(total):F2}, sum of the parts' means {means:F2} | | | |"));
        // Process CPU time not on this thread: the pool's workers with more threads; on one, the runtime's own threads
        // (the JIT's background compiles, the GC).
        Console.WriteLine(string.Create(ci, $"| | CPU of other threads per step: mean {Mean(others):F2}, median {Median(others):F2} | | | |"));
    }

    private static double Mean(List<double> values) => values.Count == 0 ? 0 : values.Average();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}

/// <summary>The three passes of the training networks' convolutions apart (median process CPU ms per call).</summary>
internal static class ConvPasses
{
    public static readonly (string Name, GenderML.Core.Kernels.ConvGeometry G)[] Layers =
    [
        ("cnn2.conv1", new(64, 1, 50, 50, 32, 3, 3)),
        ("cnn2.conv2", new(64, 32, 24, 24, 64, 3, 3)),
        ("cnn3.conv1", new(64, 1, 50, 50, 32, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("cnn3.conv2", new(64, 32, 25, 25, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("cnn3.conv3", new(64, 64, 12, 12, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.stem", new(64, 3, 64, 64, 32, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b32", new(64, 32, 64, 64, 32, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b64.conv1/2", new(64, 32, 64, 64, 64, 3, 3, 2, 2, 1, 1, 1, 1)),
        ("resnet.b64.conv2", new(64, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b64.down", new(64, 32, 64, 64, 64, 1, 1, 2, 2)),
        ("resnet.b128.conv1/2", new(64, 64, 32, 32, 128, 3, 3, 2, 2, 1, 1, 1, 1)),
        ("resnet.b128.conv2", new(64, 128, 16, 16, 128, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b128.down", new(64, 64, 32, 32, 128, 1, 1, 2, 2)),
        ("resnet.b256.conv1/2", new(64, 128, 16, 16, 256, 3, 3, 2, 2, 1, 1, 1, 1)),
        ("resnet.b256.conv2", new(64, 256, 8, 8, 256, 3, 3, 1, 1, 1, 1, 1, 1)),
        ("resnet.b256.down", new(64, 128, 16, 16, 256, 1, 1, 2, 2)),
    ];

    public static void Run(string filter, int threads, int runs)
    {
        var o = new ComputeOptions { Threads = threads };
        Console.WriteLine($"convolution passes, {threads} thread(s), median of {runs} (process CPU ms per call)");
        Console.WriteLine("| layer | forward | ∂input | ∂weight |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, g) in Layers)
        {
            if (!name.StartsWith(filter, StringComparison.Ordinal)) continue;
            var rng = new Random(1);
            float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = rng.NextSingle() - 0.5f; return a; }
            var x = Fill(g.InputLength); var w = Fill(g.WeightLength); var dy = Fill(g.OutputLength);
            var y = new float[g.OutputLength]; var dx = new float[g.InputLength]; var dw = new float[g.WeightLength];
            double Time(Action a)
            {
                double w0 = CpuClock.ProcessSeconds();
                for (int i = 0; i < 40 && CpuClock.ProcessSeconds() - w0 < 0.5; i++) a(); // past the JIT's tiers
                var t = new List<double>();
                for (int r = 0; r < runs; r++) { double c0 = CpuClock.ProcessSeconds(); a(); t.Add((CpuClock.ProcessSeconds() - c0) * 1000); }
                t.Sort();
                return t[t.Count / 2];
            }
            double f = Time(() => GenderML.Core.Kernels.Convolution.Forward(g, x, w, default, y, o));
            double bi = Time(() => GenderML.Core.Kernels.Convolution.BackwardInput(g, dy, w, dx, o));
            double bw = Time(() => GenderML.Core.Kernels.Convolution.BackwardWeight(g, x, dy, dw, default, o));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {f:F2} | {bi:F2} | {bw:F2} |"));
        }
    }
}
