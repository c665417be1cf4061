// Face-api port benchmarks (see docs/BENCHMARKS.md).
//   speed    [--threads 1,2] [--batch 32] [--runs 7] [--models DIR]   face ResNet, age/gender, tiny detector: images/s
//   layers   [--threads 1,2]                                          Convolution.Forward on the face ResNet's conv shapes
//   accuracy --data DIR [--limit N] [--threads T] [--models DIR]       the ready age/gender net on DIR/{female,male}
// Each prints one JSON line per measurement.
using System.Globalization;
using GenderML.FaceApi;

var inv = CultureInfo.InvariantCulture;
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: FaceApiBench speed|accuracy [options]");
    return 1;
}

var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i + 1 < args.Length; i += 2) opts[args[i]] = args[i + 1];
string models = opts.GetValueOrDefault("--models") ?? FindModels();
int[] threads = (opts.GetValueOrDefault("--threads") ?? "1,2").Split(',').Select(s => int.Parse(s, inv)).ToArray();

switch (args[0])
{
    case "speed":
        SpeedBench.Run(models, threads, int.Parse(opts.GetValueOrDefault("--batch") ?? "32", inv), int.Parse(opts.GetValueOrDefault("--runs") ?? "7", inv));
        return 0;
    case "layers":
        LayerBench.Run(threads);
        return 0;
    case "accuracy":
        AccuracyBench.Run(models, opts["--data"], threads[0], int.Parse(opts.GetValueOrDefault("--limit") ?? "0", inv));
        return 0;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 1;
}

static string FindModels()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return Path.Combine(dir.FullName, "models", "face-api");
    throw new InvalidOperationException("pass --models DIR (models/face-api, fetched by scripts/fetch-models.sh)");
}
