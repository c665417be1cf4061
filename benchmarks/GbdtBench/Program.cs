// Fits GenderML's gradient-boosted trees on the GBDTDATA file of benchmarks/gbdt/gbdt_peers.py and prints
// one JSON line: threads, test accuracy, fit wall and CPU seconds (binning included), and the start of the
// saved model's SHA-256 (equal on 1 and 2 threads).
// Usage: GbdtBench --data /tmp/gbdt-kaggle50.bin [--threads N] [--trees 100] [--save model.gbdt] [--map map.pgm]
//                  [--peer-proba probabilities.f32]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using GenderML.Core;
using GenderML.Trees;

string data = "/tmp/gbdt-kaggle50.bin", save = "", map = "", peer = "";
int threads = Environment.ProcessorCount, trees = 100;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": data = args[++i]; break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--trees": trees = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--save": save = args[++i]; break;
        case "--map": map = args[++i]; break;
        case "--peer-proba": peer = args[++i]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 1;
    }
}

var (xTrain, yTrain, xTest, yTest, width, height) = Load(data);
var options = new GradientBoostingOptions { Trees = trees, Compute = new ComputeOptions { Threads = threads } };

// Warm-up on a small slice so the timed fit runs optimised code.
// The rows are sorted by class, so take every 10th.
int d = width * height, warmRows = yTrain.Length / 10;
var warmX = new byte[warmRows * d];
for (int i = 0; i < warmRows; i++) xTrain.AsSpan(i * 10 * d, d).CopyTo(warmX.AsSpan(i * d));
GradientBoostingTrainer.Fit(
    FeatureMatrix.FromBytes(warmX, d), Enumerable.Range(0, warmRows).Select(i => yTrain[i * 10]).ToArray(),
    options with { Trees = 3 });

var process = Process.GetCurrentProcess();
var cpu0 = process.TotalProcessorTime;
var sw = Stopwatch.StartNew();
var model = GradientBoostingTrainer.Fit(FeatureMatrix.FromBytes(xTrain, width * height), yTrain, options);
double fit = sw.Elapsed.TotalSeconds;
process.Refresh();
double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;

var p = model.PredictProbabilities(FeatureMatrix.FromBytes(xTest, width * height));
int correct = 0;
for (int i = 0; i < p.Length; i++) if (p[i] >= 0.5f == yTest[i]) correct++;

var bytes = new MemoryStream();
model.Save(bytes);
if (save != "") File.WriteAllBytes(save, bytes.ToArray());
if (map != "")
{
    using var f = File.Create(map);
    ImportanceMap.WritePgm(model.ImportanceMap(width, height), width, height, f);
}
if (peer != "")
{
    // Agreement with the peer's test probabilities (float32 P(positive), as gbdt_peers.py --proba-out writes).
    var q = new float[p.Length];
    File.ReadAllBytes(peer).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(q.AsSpan()));
    int same = 0;
    double maxDiff = 0, sumDiff = 0;
    for (int i = 0; i < p.Length; i++)
    {
        if (p[i] >= 0.5f == q[i] >= 0.5f) same++;
        maxDiff = Math.Max(maxDiff, Math.Abs(p[i] - q[i]));
        sumDiff += Math.Abs(p[i] - q[i]);
    }
    Console.WriteLine(FormattableString.Invariant(
        $"{{\"agreement_with_peer\": {Math.Round(100.0 * same / p.Length, 2)}, \"mean_abs_dp\": {sumDiff / p.Length:F4}, \"max_abs_dp\": {maxDiff:F4}}}"));
}
Console.WriteLine(FormattableString.Invariant(
    $"{{\"impl\": \"GenderML\", \"threads\": {threads}, \"accuracy\": {Math.Round(100.0 * correct / p.Length, 2)}, \"fit_seconds\": {Math.Round(fit, 1)}, \"fit_cpu_seconds\": {Math.Round(cpu, 1)}, \"trees\": {model.TreeCount}, \"model_sha256\": \"{Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()))[..16]}\"}}"));
return 0;

static (byte[] XTrain, bool[] YTrain, byte[] XTest, bool[] YTest, int Width, int Height) Load(string path)
{
    using var r = new BinaryReader(File.OpenRead(path));
    if (!r.ReadBytes(8).AsSpan().SequenceEqual("GBDTDATA"u8))
        throw new InvalidDataException($"{path}: not a GBDTDATA file; write it with benchmarks/gbdt/gbdt_peers.py --decode-only");
    int ntr = r.ReadInt32(), nte = r.ReadInt32(), w = r.ReadInt32(), h = r.ReadInt32();
    var xtr = r.ReadBytes(ntr * w * h);
    var ytr = r.ReadBytes(ntr).Select(b => b != 0).ToArray();
    var xte = r.ReadBytes(nte * w * h);
    var yte = r.ReadBytes(nte).Select(b => b != 0).ToArray();
    return (xtr, ytr, xte, yte, w, h);
}
