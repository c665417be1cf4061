// The engine against its inference peer, ONNX Runtime 1.32 (a benchmark dependency only), on the product's networks.
//   infer   [--networks a,b] [--threads 1,2] [--batch 32,1] [--rounds 7] [--spinning 0|1] [--pool-spin-us 50] [--models DIR]
//           ours vs ORT, alternating rounds; one JSON line per case, then a markdown table (ratio = ours / ORT speed)
//   profile [--network faceresnet-150] [--threads 1] [--batch 32] [--runs 5] [--deep 0|1] [--models DIR]
//           per-layer times of ours (thread CPU time; a network the product runs as a channel-blocked plan, the
//           age/gender backbone: the plan's steps, wall time; --deep 1: the plain layers' leaves) and ORT's per-node
//           profile, as markdown tables
//   separable [--runs 200] [--samples 5] [--best 0|1]
//           the age/gender net's separable layers, 1×1/2 shortcuts and 3×3/2 max pools one at a time (1 image, 1 thread;
//           median of the samples, or with --best 1 the fastest)
//   blocked-conv [--runs 100] [--samples 9]
//           the face ResNet's 3×3 convolutions (+ ReLU) one at a time, 1 image, 1 thread: the frozen layer against the
//           channel-blocked kernel between bordered maps, alternated, thread CPU µs
//   pointwise-ranges [--runs 20] [--samples 31]
//           the pointwise kernel's blocks with K in one pass against ranges of ≤ 128, interleaved (GFLOP/s, 1 thread)
//   plan [--network agegender-112] [--threads 1] [--samples 21]
//           one image: the channel-blocked plan against the network's plain layers, alternated, thread CPU µs
//   chain [--network agegender-112] [--runs 300]
//           one image, 1 thread: the plain layers, profile's steps chained untimed and the whole net, thread CPU µs
//   train-profile [--network cnn2-50-gray|cnn3-50-gray|resnet-64-rgb] [--threads 1] [--batch 64] [--runs 15] [--warm 100]
//           [--pool-spin-us 50]
//           a training step per top-level layer, forward and backward apart (process CPU time; the step's wall too)
//   conv-passes [--filter cnn2] [--threads 1] [--runs 9]
//           forward, ∂input and ∂weight of the training networks' convolutions apart (batch 64)
//   after-training [--threads 2] [--rounds 9]
//           the face ResNet's 1-thread CPU time fresh, then after training steps on N threads (try DOTNET_TieredPGO=0)
// Networks: faceresnet-150, agegender-112, tinydetector-416, cnn3-50-gray. The training peer (PyTorch) is
// benchmarks/engine/engine_peers.py.
using System.Globalization;
using GenderML.Core;

var inv = CultureInfo.InvariantCulture;
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: EngineBench infer|profile [options]");
    return 2;
}
var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i + 1 < args.Length; i += 2) opts[args[i]] = args[i + 1];
string models = opts.GetValueOrDefault("--models") ?? FindModels();
int[] Ints(string name, string fallback) => [.. (opts.GetValueOrDefault(name) ?? fallback).Split(',').Select(s => int.Parse(s, inv))];

if (opts.GetValueOrDefault("--pool-spin-us") is { } spinUs)
{
    // The kernel worker pool's spin before blocking (internal; µs): 0 blocks at once, as before issue 15's pool.
    var pool = typeof(ComputeOptions).Assembly.GetType("GenderML.Core.Kernels.WorkerPool", throwOnError: true)!;
    pool.GetProperty("SpinMicroseconds", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
        .SetValue(null, int.Parse(spinUs, inv));
}

switch (args[0])
{
    case "infer":
    {
        string[] names = (opts.GetValueOrDefault("--networks") ?? string.Join(",", Networks.Names)).Split(',');
        int rounds = Ints("--rounds", "7")[0];
        bool spinning = Ints("--spinning", "0")[0] != 0;
        var rows = new List<string>();
        foreach (string name in names)
        {
            var net = Networks.Build(name, models);
            foreach (int t in Ints("--threads", "1,2"))
            foreach (int b in Ints("--batch", "32,1"))
            {
                var r = InferPeers.Run(net, t, b, rounds, spinning);
                Console.WriteLine(InferPeers.Json(r));
                rows.Add(InferPeers.Row(r));
            }
        }
        Console.WriteLine();
        Console.WriteLine("| network | threads | batch | ours img/CPU-s | ORT img/CPU-s | ratio (CPU) | ours img/s | ORT img/s | ratio (wall) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }
    case "plan":
        PlanVsLayers.Run(Networks.Build(opts.GetValueOrDefault("--network") ?? "agegender-112", models), Ints("--threads", "1")[0],
            Ints("--samples", "21")[0]);
        return 0;
    case "chain":
        ChainProbe.Run(Networks.Build(opts.GetValueOrDefault("--network") ?? "agegender-112", models), Ints("--runs", "300")[0]);
        return 0;
    case "profile":
        LayerProfile.Run(Networks.Build(opts.GetValueOrDefault("--network") ?? "faceresnet-150", models),
            Ints("--threads", "1")[0], Ints("--batch", "32")[0], Ints("--runs", "5")[0],
            Ints("--deep", "0")[0] != 0);
        return 0;
    case "pointwise-ranges":
        PointwiseRanges.Run(Ints("--runs", "20")[0], Ints("--samples", "31")[0]);
        return 0;
    case "blocked-conv":
        BlockedConvs.Run(Ints("--runs", "100")[0], Ints("--samples", "9")[0]);
        return 0;
    case "separable":
        SeparableLayers.Samples = Ints("--samples", "5")[0];
        SeparableLayers.Best = Ints("--best", "0")[0] != 0;
        SeparableLayers.Run(Ints("--runs", "200")[0]);
        return 0;
    case "train-profile":
        TrainProfile.WarmSteps = Ints("--warm", "100")[0];
        TrainProfile.Run(opts.GetValueOrDefault("--network") ?? "cnn2-50-gray", Ints("--threads", "1")[0], Ints("--batch", "64")[0], Ints("--runs", "15")[0]);
        return 0;
    case "conv-passes":
        ConvPasses.Run(opts.GetValueOrDefault("--filter") ?? "", Ints("--threads", "1")[0], Ints("--runs", "9")[0]);
        return 0;
    case "after-training":
        AfterTraining.Run(Networks.Build("faceresnet-150", models), Ints("--threads", "2")[0], Ints("--rounds", "9")[0]);
        return 0;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

static string FindModels()
{
    foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return Path.Combine(dir.FullName, "models", "face-api");
    throw new DirectoryNotFoundException("no GenderML.sln above the benchmark; pass --models DIR");
}
