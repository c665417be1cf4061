// Boosted trees on face embeddings, side by side with scikit-learn (benchmarks/gbdt/gbdt_embeddings_peer.py).
// Usage: GbdtEmbeddingsBench --data DIR --cache DIR --models DIR --out /tmp/gbdt-emb.bin [--threads 1,2]
// Embeds train and test with the frozen face ResNet and canonical crops (margin 0.1, as `train --model transfer`;
// a warm embedding cache makes this a read), writes them (layout below), then fits GenderML's trees at sklearn's
// equal settings (100 trees, 20 leaves, >= 10 a leaf, learning rate 0.2, 255 bins, no early stopping).
// File layout (little-endian): b"GBDTEMBF", int32 train rows, int32 test rows, int32 features,
// train features (float32 row-major), train labels (uint8, 1 = male), test features, test labels.
using System.Diagnostics;
using System.Globalization;
using GenderML;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Data;
using GenderML.Transfer;
using GenderML.Trees;

string data = "", cache = "", models = "", output = "/tmp/gbdt-emb.bin", threadList = "1,2";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": data = args[++i]; break;
        case "--cache": cache = args[++i]; break;
        case "--models": models = args[++i]; break;
        case "--out": output = args[++i]; break;
        case "--threads": threadList = args[++i]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 1;
    }
}
var dataset = Dataset.Load(data, GenderLabels.Options);
var embedder = new Embedder(models, resnet: FaceResNetFeatures.Descriptor, ageGender: false, framing: GenderML.FaceFraming.Canonical(0.1, GenderML.FaceFraming.DefaultDetectorSize, models, Environment.ProcessorCount), threads: Environment.ProcessorCount);
(float[] X, bool[] Y) Embed(Dataset part)
{
    string[] paths = [.. part.Items.Select(i => i.Path)];
    var errors = new string?[paths.Length];
    var e = embedder.EmbedFiles(paths, cache, null, errors, out var stats);
    Console.Error.WriteLine($"{paths.Length} images: {stats}");
    var rows = Enumerable.Range(0, paths.Length).Where(i => errors[i] is null && e[i].ResNet is not null).ToArray();
    int d = e[rows[0]].ResNet!.Length;
    var x = new float[rows.Length * d];
    for (int r = 0; r < rows.Length; r++) e[rows[r]].ResNet!.CopyTo(x, r * d);
    return (x, [.. rows.Select(i => part.Items[i].Label == 1)]);
}
var (xTrain, yTrain) = Embed(dataset.Subset(SplitNames.Train));
var (xTest, yTest) = Embed(dataset.Subset(SplitNames.Test));
int features = xTrain.Length / yTrain.Length;
using (var w = new BinaryWriter(File.Create(output)))
{
    w.Write("GBDTEMBF"u8);
    w.Write(yTrain.Length); w.Write(yTest.Length); w.Write(features);
    foreach (float v in xTrain) w.Write(v);
    foreach (bool y in yTrain) w.Write((byte)(y ? 1 : 0));
    foreach (float v in xTest) w.Write(v);
    foreach (bool y in yTest) w.Write((byte)(y ? 1 : 0));
}
foreach (int threads in threadList.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)))
{
    var options = new GradientBoostingOptions { EarlyStoppingRounds = 0, Compute = new ComputeOptions { Threads = threads } };
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var model = GradientBoostingTrainer.Fit(FeatureMatrix.FromFloats(xTrain, features), yTrain, options);
    double fit = clock.Elapsed.TotalSeconds;
    process.Refresh();
    double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
    var p = model.PredictProbabilities(FeatureMatrix.FromFloats(xTest, features));
    int correct = Enumerable.Range(0, p.Length).Count(i => p[i] >= 0.5f == yTest[i]);
    Console.WriteLine(FormattableString.Invariant(
        $"{{\"impl\": \"GenderML\", \"features\": \"face-resnet-128\", \"threads\": {threads}, \"accuracy\": {Math.Round(100.0 * correct / p.Length, 2)}, \"fit_seconds\": {Math.Round(fit, 2)}, \"fit_cpu_seconds\": {Math.Round(cpu, 2)}, \"trees\": {model.TreeCount}}}"));
}
return 0;
