// ML.NET beside GenderML on the shared split (benchmarks/mlnet/README.md): each run trains on `train`, scores `test`,
// and prints one JSON line: accuracy, fit wall and CPU seconds, cold start, warm per-image latency and model size.
//   dotnet run -c Release --project benchmarks/MlNetBench -- DATA RUN...
// RUN: logreg gbdt transfer (GenderML presets); mlnet-lbfgs-pixels mlnet-fasttree-pixels (ML.NET trainers on the logreg
// preset's pixels, through MLNetRecipe); mlnet-fasttree-framed (FastTree on the gbdt preset's face-framed pixels);
// faceembedding (the ML.NET pipeline Path → FaceEmbedding → normaliser → LbfgsLogisticRegression, the features computed
// once and kept in /tmp so that trainer settings can be compared); mlnet-resnet18 (ML.NET's transfer learning without
// TensorFlow: LoadImages → ResizeImages 224×224 → ExtractPixels → DnnFeaturizeImage ResNet-18 → LbfgsLogisticRegression).
using System.Diagnostics;
using System.Globalization;
using GenderML;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string data = args[0];
var all = Dataset.Load(data, GenderLabels.Options);
var (train, test) = (all.Subset("train"), all.Subset("test"));
foreach (string run in args.Skip(1))
{
    var line = run switch
    {
        "faceembedding" => FaceEmbeddingPipeline(train, test),
        "mlnet-resnet18" => ResNet18Pipeline(train, test),
        _ => Recipe(run, train, test),
    };
    Console.WriteLine(line);
}

static string Recipe(string run, Dataset train, Dataset test)
{
    var logreg = ClassifierPresets.Create("logreg");
    MLNetRecipe Peer(Func<MLContext, IEstimator<ITransformer>> trainer, string name, string pixelsOf) =>
        new(MLNetFeatures.Pixels, trainer, name)
        {
            Preprocessing = ClassifierPresets.Create(pixelsOf).Preprocessing, Training = logreg.Training,
        };
    ClassifierRecipe recipe = run switch
    {
        "mlnet-lbfgs-pixels" => Peer(ml => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(),
            "LbfgsLogisticRegression", "logreg"),
        "mlnet-fasttree-pixels" => Peer(ml => ml.BinaryClassification.Trainers.FastTree(), "FastTree", "logreg"),
        "mlnet-fasttree-framed" => Peer(ml => ml.BinaryClassification.Trainers.FastTree(), "FastTree", "gbdt"),
        _ => ClassifierPresets.Create(run),
    };
    var (fit, fitCpu) = Timed(() => Trainer.Fit(recipe, train).Classifier);
    string path = Path.Combine(Path.GetTempPath(), $"mlnetbench-{run}.zip");
    fit.value.Save(path);
    var report = Evaluator.Evaluate(fit.value, test);
    var kinds = new[] { MLNetModels.Kind };
    string first = test.Items[0].Path;
    var (cold, _) = Timed(() => GenderClassifier.Load(path, kinds: kinds).Predict(first));
    var loaded = GenderClassifier.Load(path, kinds: kinds);
    var sample = test.Items.Take(200).Select(i => i.Path).ToArray();
    loaded.Predict(sample[0]);
    var (latency, latencyCpu) = Timed(() => { foreach (var p in sample) loaded.Predict(p); return 0; });
    return Json(run, report.Accuracy, report.N, fit.seconds, fitCpu, cold.seconds, latency.seconds / sample.Length,
        latencyCpu / sample.Length, new FileInfo(path).Length);
}

static string FaceEmbeddingPipeline(Dataset train, Dataset test)
{
    var ml = new MLContext(seed: 1);
    IDataView Rows(Dataset d) =>
        ml.Data.LoadFromEnumerable(d.Items.Select(i => new ImageFile { Path = i.Path, Label = i.Label == 1 }));
    var featurizer = ml.Transforms.FaceEmbedding("Features", "Path").Fit(Rows(train));
    string cache = Path.Combine(Path.GetTempPath(), "mlnetbench-faceembedding");
    Directory.CreateDirectory(cache);
    double featurizeCpu = 0, featurizeWall = 0;
    IDataView Features(string name, Dataset d)
    {
        string file = Path.Combine(cache, name + ".idv");
        if (!File.Exists(file))
        {
            var (t, cpu) = Timed(() =>
            {
                using var stream = File.Create(file + ".tmp");
                var features = featurizer.Transform(Rows(d));
                var kept = ml.Transforms.SelectColumns("Label", "Features").Fit(features).Transform(features);
                ml.Data.SaveAsBinary(kept, stream);
                return 0;
            });
            File.Move(file + ".tmp", file);
            featurizeCpu += cpu;
            featurizeWall += t.seconds;
            Console.Error.WriteLine(
                $"{name}: featurized {d.Items.Count} images in {t.seconds:F0} s wall, {cpu:F0} s CPU");
        }
        return ml.Data.LoadFromBinary(file);
    }
    var trainFeatures = ml.Data.Cache(Features("train", train));
    var testFeatures = Features("test", test);
    var lines = new List<string>();
    foreach (var (name, l2) in new[] { ("l2=1", 1f), ("l2=0.1", 0.1f), ("l2=10", 10f) })
    {
        var head = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
                l1Regularization: 0, l2Regularization: l2));
        var (model, cpu) = Timed(() => head.Fit(trainFeatures));
        var metrics = ml.BinaryClassification.Evaluate(model.value.Transform(testFeatures));
        // The whole pipeline as an ML.NET user saves it: FaceEmbedding then the head.
        var pipeline = featurizer.Append(model.value);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetbench-faceembedding-{name}.zip");
        ml.Model.Save(pipeline, Rows(test).Schema, path);
        var sample = test.Items.Take(100).Select(i => new ImageFile { Path = i.Path }).ToArray();
        var (cold, _) = Timed(() =>
        {
            var fresh = new MLContext(seed: 1);
            var engine = fresh.Model.CreatePredictionEngine<ImageFile, Scored>(fresh.Model.Load(path, out _));
            return engine.Predict(sample[0]).Probability;
        });
        var warm = ml.Model.CreatePredictionEngine<ImageFile, Scored>(pipeline);
        warm.Predict(sample[0]);
        var (latency, latencyCpu) = Timed(() => { foreach (var s in sample) warm.Predict(s); return 0; });
        int n = (int)metrics.ConfusionMatrix.Counts.Sum(r => r.Sum());
        lines.Add(Json($"faceembedding+lbfgs {name}", metrics.Accuracy, n, model.seconds + featurizeWall,
            cpu + featurizeCpu, cold.seconds, latency.seconds / sample.Length, latencyCpu / sample.Length,
            new FileInfo(path).Length)
            + $" // head alone: {model.seconds:F1} s wall, {cpu:F1} s CPU");
    }
    return string.Join("\n", lines);
}

// ML.NET's own transfer learning without TensorFlow, as its samples write it: the ImageNet ResNet-18 of
// Microsoft.ML.DnnImageFeaturizer.ResNet18 (its ONNX files come in the package's DnnImageModels folder) as a frozen
// featurizer under LbfgsLogisticRegression (defaults). The features are cached in memory before the trainer so that
// L-BFGS's passes do not featurize again; fit time includes featurizing the training images.
static string ResNet18Pipeline(Dataset train, Dataset test)
{
    var ml = new MLContext(seed: 1);
    IDataView Rows(Dataset d) =>
        ml.Data.LoadFromEnumerable(d.Items.Select(i => new ImageFile { Path = i.Path, Label = i.Label == 1 }));
    var pipeline = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "Path")
        .Append(ml.Transforms.ResizeImages("Image", imageWidth: 224, imageHeight: 224))
        .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
        .Append(ml.Transforms.DnnFeaturizeImage("Features",
            m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels"))
        .AppendCacheCheckpoint(ml)
        .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());
    var (model, fitCpu) = Timed(() => pipeline.Fit(Rows(train)));
    Console.Error.WriteLine($"mlnet-resnet18: fit on {train.Items.Count} images in {model.seconds:F0} s wall, "
        + $"{fitCpu:F0} s CPU ({train.Items.Count / model.seconds:F1} images/s)");
    var (metrics, scoreCpu) = Timed(() => ml.BinaryClassification.Evaluate(model.value.Transform(Rows(test))));
    Console.Error.WriteLine($"mlnet-resnet18: scored {test.Items.Count} images in {metrics.seconds:F0} s wall, "
        + $"{scoreCpu:F0} s CPU ({test.Items.Count / metrics.seconds:F1} images/s)");
    string path = Path.Combine(Path.GetTempPath(), "mlnetbench-mlnet-resnet18.zip");
    ml.Model.Save(model.value, Rows(test).Schema, path);
    var sample = test.Items.Take(100).Select(i => new ImageFile { Path = i.Path }).ToArray();
    var (cold, _) = Timed(() =>
    {
        var fresh = new MLContext(seed: 1);
        var engine = fresh.Model.CreatePredictionEngine<ImageFile, Scored>(fresh.Model.Load(path, out _));
        return engine.Predict(sample[0]).Probability;
    });
    var warm = ml.Model.CreatePredictionEngine<ImageFile, Scored>(model.value);
    warm.Predict(sample[0]);
    var (latency, latencyCpu) = Timed(() => { foreach (var s in sample) warm.Predict(s); return 0; });
    int n = (int)metrics.value.ConfusionMatrix.Counts.Sum(r => r.Sum());
    return Json("mlnet-resnet18", metrics.value.Accuracy, n, model.seconds, fitCpu, cold.seconds,
        latency.seconds / sample.Length, latencyCpu / sample.Length, new FileInfo(path).Length);
}

static ((T value, double seconds), double cpu) Timed<T>(Func<T> f)
{
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var value = f();
    double wall = clock.Elapsed.TotalSeconds;
    process.Refresh();
    return ((value, wall), (process.TotalProcessorTime - cpu0).TotalSeconds);
}

static string Json(string run, double accuracy, int n, double fitWall, double fitCpu, double cold, double latency,
    double latencyCpu, long bytes) => string.Create(CultureInfo.InvariantCulture,
    $"{{\"run\": \"{run}\", \"accuracy\": {accuracy:F4}, \"n\": {n}, "
    + $"\"fitWallS\": {fitWall:F1}, \"fitCpuS\": {fitCpu:F1}, "
    + $"\"coldStartS\": {cold:F2}, \"latencyMs\": {latency * 1000:F2}, \"latencyCpuMs\": {latencyCpu * 1000:F2}, "
    + $"\"modelBytes\": {bytes}, \"date\": \"{DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}\"}}");

/// <summary>An ML.NET input row: an image file and its label (true = male).</summary>
public sealed class ImageFile
{
    public string Path { get; set; } = "";

    public bool Label { get; set; }
}

/// <summary>What the pipeline's trainer gives for one row.</summary>
public sealed class Scored
{
    public float Probability { get; set; }
}
