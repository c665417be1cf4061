using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;
using GenderML.Transfer;

/// <summary>
/// The experiment behind `bench engine`'s 1-thread inference figure after its 2-thread training benchmarks: the face
/// ResNet's 1-thread CPU time per batch of 32 in a fresh process, then after training steps of the product's
/// networks on <c>trainThreads</c> threads, on the same network instance and on a new one. Run it with and without
/// <c>DOTNET_TieredPGO=0</c> to see whether the JIT's profile-guided code from training is the cause.
/// </summary>
internal static class AfterTraining
{
    public static void Run(BenchNetwork face, int trainThreads, int rounds)
    {
        var before = face.Ours(1);
        Console.WriteLine($"fresh process, 1 thread: {Measure(face, before, rounds)}");
        foreach (var preset in new[] { NetworkPreset.Cnn2, NetworkPreset.Cnn3, NetworkPreset.ResNet })
        {
            var spec = preset == NetworkPreset.ResNet ? new NetworkSpec(preset, 3, 64, 0) : new NetworkSpec(preset, 1, 50, 0);
            Train(spec.Build(seed: 1).Network, [64, spec.Channels, spec.Size, spec.Size], trainThreads);
        }
        Train(new FineTuneNetwork(seed: 1).Network,
            [64, FineTuneNetwork.PrefixChannels, FineTuneNetwork.PrefixSide, FineTuneNetwork.PrefixSide], trainThreads);
        Console.WriteLine($"after training on {trainThreads} thread(s), same instance: {Measure(face, before, rounds)}");
        Console.WriteLine($"after training on {trainThreads} thread(s), new instance: {Measure(face, face.Ours(1), rounds)}");
    }

    private static void Train(GenderML.Core.Layers.Layer net, int[] shape, int threads)
    {
        net.SetCompute(new ComputeOptions { Threads = threads });
        var step = new BinaryTrainingStep(net, new AdamW(net.Parameters(), new AdamOptions(LearningRate: 2e-3)));
        var x = new Tensor(shape);
        var random = new Random(2);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.NextSingle();
        var y = new float[shape[0]];
        for (int i = 0; i < y.Length; i++) y[i] = i % 2;
        for (int i = 0; i < 12; i++) step.Run(x, y);
    }

    private static string Measure(BenchNetwork net, Func<Tensor, Tensor> forward, int rounds)
    {
        var x = new Tensor(32, net.Channels, net.Side, net.Side);
        var random = new Random(7);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.Next(256);
        var normalized = new Tensor(x.ShapeArray());
        for (int i = 0; i < 3; i++) forward(normalized);
        var cpu = new List<double>();
        var wall = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            net.Normalize(x, normalized);
            double c0 = CpuClock.ProcessSeconds();
            long w0 = System.Diagnostics.Stopwatch.GetTimestamp();
            forward(normalized);
            wall.Add(System.Diagnostics.Stopwatch.GetElapsedTime(w0).TotalMilliseconds);
            cpu.Add((CpuClock.ProcessSeconds() - c0) * 1000);
        }
        cpu.Sort();
        wall.Sort();
        return System.FormattableString.Invariant($"{cpu[cpu.Count / 2]:F1} CPU ms, {wall[wall.Count / 2]:F1} wall ms per batch (medians)");
    }
}
