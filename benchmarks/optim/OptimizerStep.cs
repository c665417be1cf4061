#:project ../../src/GenderML.Core/GenderML.Core.csproj
#:property PublishAot=false
// Times one optimizer step (SGD+Nesterov, Adam, AdamW) and a global-norm clip over the parameter shapes of
// cnn2-50-gray and resnet18 (1 output), after warm-up; prints medians as JSON lines. Peer: optimizer_step_peer.py.
// Run: dotnet run -c Release benchmarks/optim/OptimizerStep.cs
using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.Core.Optimizers;

var networks = new (string Name, List<int[]> Shapes)[] { ("cnn2-50-gray", Cnn2()), ("resnet18-64-rgb", ResNet18()) };
foreach (var (network, shapes) in networks)
{
    var random = new Random(1);
    var parameters = shapes.Select((s, i) =>
    {
        var p = new Parameter($"p{i}", new Tensor(s));
        for (int j = 0; j < p.Value.Length; j++) { p.Value.Data[j] = (float)random.NextDouble() - 0.5f; p.Gradient.Data[j] = (float)random.NextDouble() - 0.5f; }
        return p;
    }).ToArray();
    long count = parameters.Sum(p => (long)p.Value.Length);
    var cases = new (string Name, Action Step)[]
    {
        ("sgd_nesterov", new Sgd(parameters, new SgdOptions(0.01, 0.9, Nesterov: true, WeightDecay: 1e-4)).Step),
        ("adam", new Adam(parameters, new AdamOptions(1e-3)).Step),
        ("adamw", new AdamW(parameters, new AdamOptions(1e-3, WeightDecay: 0.01)).Step),
        ("clip_grad_norm", () => GradientClipping.ClipByGlobalNorm(parameters, 1e9f)),
    };
    foreach (var (name, step) in cases)
    {
        for (int i = 0; i < 20; i++) step();
        int repeats = count > 5_000_000 ? 30 : 200;
        var times = new List<double>(repeats);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\": \"genderml\", \"network\": \"{network}\", \"parameters\": {count}, \"op\": \"{name}\", \"median_ms\": {median:F3}, \"gb_per_s_touched\": {count * (name.StartsWith("adam") ? 28 : name == "clip_grad_norm" ? 4 : 16) / median / 1e6:F1}, \"allocated_bytes\": {allocated}}}"));
    }
}

static List<int[]> Cnn2() => [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [128, 64 * 11 * 11], [128], [1, 128], [1]];

static List<int[]> ResNet18()
{
    var shapes = new List<int[]> { new[] { 64, 3, 7, 7 }, new[] { 64 }, new[] { 64 } };
    int inChannels = 64;
    foreach (int channels in new[] { 64, 128, 256, 512 })
        for (int block = 0; block < 2; block++)
        {
            int input = block == 0 ? inChannels : channels;
            shapes.AddRange([[channels, input, 3, 3], [channels], [channels], [channels, channels, 3, 3], [channels], [channels]]);
            if (block == 0 && input != channels) shapes.AddRange([[channels, input, 1, 1], [channels], [channels]]);
            inChannels = channels;
        }
    shapes.AddRange([[1, 512], [1]]);
    return shapes;
}
