// MlNetPipeline: GenderML inside an ML.NET pipeline, as an ML.NET user writes one. Labelled image paths → LoadImages →
// FaceEmbedding (the frozen face ResNet of GenderML's `transfer` model) → LbfgsLogisticRegression → Evaluate → Save →
// Load in a fresh context → PredictionEngine. The face-api weights come with the packages (GenderML.FaceApi.Models).
// Run: dotnet run -- path/to/faces [images per class and split, 0: all; default 100]
//      (faces: female/ and male/ inside train/ and test/)
using GenderML.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

string folder = args.Length > 0 ? args[0] : "../shared/data/kaggle-gender";
int perClass = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100;

ImageFile[] Files(string split) =>
[
    .. new[] { "female", "male" }.SelectMany(label =>
    {
        var files = Directory.GetFiles(Path.Combine(folder, split, label)).Order(StringComparer.Ordinal);
        return (perClass > 0 ? files.Take(perClass) : files).Select(f => new ImageFile { Path = f, Label = label == "male" });
    }),
];

var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromEnumerable(Files("train"));
var test = ml.Data.LoadFromEnumerable(Files("test"));

// The face embedding is computed once per image (AppendCacheCheckpoint), not on every pass of L-BFGS.
var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageFile.Path))
    .Append(ml.Transforms.FaceEmbedding("Features", "Image"))
    .AppendCacheCheckpoint(ml)
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());
Console.Error.WriteLine("fitting (each image is embedded once)…");
var model = pipeline.Fit(train);

var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
Console.WriteLine($"test: accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F4}, log-loss {metrics.LogLoss:F4}");

string path = Path.Combine(Path.GetTempPath(), "genderml-mlnet-pipeline.zip");
ml.Model.Save(model, train.Schema, path);
Console.WriteLine($"saved {path} ({new FileInfo(path).Length:N0} bytes)");

var fresh = new MLContext(seed: 1);
var loaded = fresh.Model.Load(path, out _);
var engine = fresh.Model.CreatePredictionEngine<ImageFile, GenderOutput>(loaded);
foreach (var file in Files("test").Take(3))
{
    var p = engine.Predict(file);
    Console.WriteLine($"{Path.GetFileName(file.Path)}: {(p.PredictedLabel ? "male" : "female")} (P(male) = {p.Probability:F3}), "
        + $"labelled {(file.Label ? "male" : "female")}");
}

/// <summary>An image file and its label (true = male).</summary>
public sealed class ImageFile
{
    public string Path { get; set; } = "";

    public bool Label { get; set; }
}

/// <summary>What the pipeline predicts for one image.</summary>
public sealed class GenderOutput
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }
}
