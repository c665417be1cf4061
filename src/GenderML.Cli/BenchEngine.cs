using System.Diagnostics;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Core.Kernels;
using GenderML.Core.Layers;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;
using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML.Cli;

/// <summary>The measurements behind <c>bench engine</c>: warm up, then time repeats and keep the median.</summary>
internal static class BenchEngine
{
    public readonly record struct SgemmResult(int M, int N, int K, int Threads, double Gflops);

    public readonly record struct TrainResult(string Network, int Batch, int Threads, double ImagesPerSecond, long AllocatedBytesPerStep, double CpuMillisecondsPerStep);

    /// <summary>Square sizes, then the im2col shape of a 3×3 convolution of 64 channels on 48×48 (batch 8).</summary>
    public static readonly (int M, int N, int K)[] SgemmShapes =
        [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048), (64, 2304 * 8, 576)];

    public readonly record struct InferResult(string Network, int Batch, int Threads, double ImagesPerSecond, double CpuMillisecondsPerBatch);

    /// <summary>
    /// The product's networks trained: cnn2, cnn3 and resnet as their presets build them (<see cref="NetworkSpec"/>,
    /// 50×50 gray and 64×64 RGB), and the face ResNet's last stage as fine-tuning trains it on 128×8×8 prefixes.
    /// </summary>
    public static readonly string[] Networks = ["cnn2-50-gray", "cnn3-50-gray", "resnet-64-rgb", "faceresnet-stage"];

    /// <summary>The pixel networks whose inference is timed beside the face ResNet's.</summary>
    public static readonly string[] InferNetworks = ["cnn2-50-gray", "cnn3-50-gray"];

    public static SgemmResult Sgemm(int m, int n, int k, int threads)
    {
        var random = new Random(1);
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = random.NextSingle() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = random.NextSingle() - 0.5f;
        var options = new ComputeOptions { Threads = threads };
        double flops = 2.0 * m * n * k;
        void Once() => Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n, false, options);
        double seconds = MedianSeconds(Once, minRepeats: 5, minSeconds: 0.5, out _);
        return new SgemmResult(m, n, k, threads, flops / seconds / 1e9);
    }

    /// <summary>
    /// Training steps per second of <paramref name="network"/> (one of <see cref="Networks"/>) at the presets' batch
    /// of 64, through the step every network of the library trains with (<see cref="BinaryTrainingStep"/>, AdamW).
    /// </summary>
    public static TrainResult Train(string network, int threads)
    {
        const int batch = 64;
        var (net, shape) = Build(network, batch);
        net.SetCompute(new ComputeOptions { Threads = threads });
        var step = new BinaryTrainingStep(net, new AdamW(net.Parameters(), new AdamOptions(LearningRate: 2e-3)));
        var x = RandomInput(shape, 2);
        var y = new float[batch];
        for (int i = 0; i < batch; i++) y[i] = i % 2;
        void Once() => step.Run(x, y);
        WarmUp(Once);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        const int probe = 3;
        for (int i = 0; i < probe; i++) Once();
        long allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / probe;
        double seconds = MedianSeconds(Once, minRepeats: 5, minSeconds: 3, out double cpu);
        return new TrainResult(network, batch, threads, batch / seconds, allocated, cpu * 1000);
    }

    /// <summary>Images per second of a pixel network's forward pass in evaluation mode, batch 64.</summary>
    public static InferResult InferNetwork(string network, int threads)
    {
        const int batch = 64;
        var (net, shape) = Build(network, batch);
        net.SetCompute(new ComputeOptions { Threads = threads });
        net.SetTraining(false);
        var x = RandomInput(shape, 3);
        for (int i = 0; i < 3; i++) net.Forward(x);
        double seconds = MedianSeconds(() => net.Forward(x), minRepeats: 7, minSeconds: 2, out double cpu);
        return new InferResult(network, batch, threads, batch / seconds, cpu * 1000);
    }

    private static (Layer Network, int[] Shape) Build(string network, int batch)
    {
        NetworkSpec? spec = network switch
        {
            "cnn2-50-gray" => new NetworkSpec(NetworkPreset.Cnn2, 1, 50, 0),
            "cnn3-50-gray" => new NetworkSpec(NetworkPreset.Cnn3, 1, 50, 0),
            "resnet-64-rgb" => new NetworkSpec(NetworkPreset.ResNet, 3, 64, 0),
            "faceresnet-stage" => null,
            _ => throw new ArgumentException($"unknown network '{network}' (one of {string.Join(", ", Networks)})"),
        };
        if (spec is null)
        {
            return (new FineTuneNetwork(seed: 1).Network,
                [batch, FineTuneNetwork.PrefixChannels, FineTuneNetwork.PrefixSide, FineTuneNetwork.PrefixSide]);
        }
        return (spec.Build(seed: 1).Network, [batch, spec.Channels, spec.Size, spec.Size]);
    }

    private static Tensor RandomInput(int[] shape, int seed)
    {
        var random = new Random(seed);
        var x = new Tensor(shape);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.NextSingle();
        return x;
    }

    /// <summary>
    /// Face-ResNet descriptors per second: <see cref="FaceRecognitionNet.ComputeDescriptors"/> on a batch of 32 seeded
    /// random 150×150 RGB images (the network's input size, so preprocessing is only the normalisation), with the
    /// face-api weights in <paramref name="modelsFolder"/>.
    /// </summary>
    public static InferResult Infer(string? modelsFolder, int threads)
    {
        const int batch = 32, side = FaceRecognitionNet.InputSize;
        var random = new Random(3);
        var images = new Image[batch];
        for (int i = 0; i < batch; i++)
        {
            var pixels = new byte[side * side * 3];
            random.NextBytes(pixels);
            images[i] = new Image(side, side, PixelFormat.Rgb24, pixels);
        }
        var net = FaceRecognitionNet.Load(new FaceModelOptions(modelsFolder) { Compute = new ComputeOptions { Threads = threads }, BatchSize = batch });
        for (int i = 0; i < 3; i++) net.ComputeDescriptors(images); // warm-up: lets the JIT reach its optimised code first
        double seconds = MedianSeconds(() => net.ComputeDescriptors(images), minRepeats: 7, minSeconds: 3, out double cpu);
        return new InferResult("faceresnet-150", batch, threads, batch / seconds, cpu * 1000);
    }

    /// <summary>
    /// Runs <paramref name="action"/> until the JIT has compiled its final tier: 100 calls (a method called once a step
    /// is recompiled after 30 calls, then again after 30 more with dynamic PGO, in the background, which counts in the
    /// process's CPU time), or 10 s for slow steps.
    /// </summary>
    private static void WarmUp(Action action)
    {
        var elapsed = Stopwatch.StartNew();
        for (int i = 0; i < 100 && (i < 3 || elapsed.Elapsed.TotalSeconds < 10); i++) action();
    }

    /// <summary>
    /// Runs <paramref name="action"/> once to warm up, then at least <paramref name="minRepeats"/> times and <paramref name="minSeconds"/> in all;
    /// the median wall time, and in <paramref name="cpuSeconds"/> the process's mean CPU time per run (all threads; robust to other tenants).
    /// </summary>
    private static double MedianSeconds(Action action, int minRepeats, double minSeconds, out double cpuSeconds)
    {
        action();
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < minRepeats || (total.Elapsed.TotalSeconds < minSeconds && times.Count < 200))
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        process.Refresh();
        cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds / times.Count;
        times.Sort();
        return times[times.Count / 2];
    }
}
