// OnnxExport: train (or load) a GenderML model → export it to ONNX → score it with ML.NET's ApplyOnnxModel on the
// pixels GenderML's own preprocessing makes, beside GenderML's own predictions.
// Run: dotnet run -- path/to/faces [MODEL.zip]   (without a model: cnn2 trained for one epoch on a tenth of train/)
using GenderML;
using GenderML.Data;
using GenderML.Onnx;
using GenderML.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

string folder = args.Length > 0 ? args[0] : "../shared/data/kaggle-gender";
var dataset = Dataset.Load(folder, GenderLabels.Options);
if (!dataset.Splits.Contains(SplitNames.Test))
    dataset = dataset.SplitStratified(new SplitFractions(0.8, 0, 0.2), seed: 1);

// 1. A model: the one given, or the `cnn2` preset trained for one epoch on a stratified tenth of the training images.
IGenderClassifier model;
if (args.Length > 1)
{
    model = GenderClassifier.Load(args[1]);
}
else
{
    var train = dataset.Subset(SplitNames.Train).SplitStratified(new SplitFractions(0.1, 0, 0.9), seed: 1).Subset(SplitNames.Train);
    model = Trainer.Fit(ClassifierPresets.Create("cnn2"), train, null, new TrainingOptions { Epochs = 1 }).Classifier;
    Console.WriteLine($"trained cnn2 on {train.Items.Count} images");
}

// 2. Export: the graph takes 0–255 pixels N×C×S×S and gives `logit` and `probability` (P(male)); the model's
//    metadata_props say how the pixels are made (size, channels, resizing, framing).
OnnxExport.Save(model, "model.onnx");
Console.WriteLine($"model.onnx: {new FileInfo("model.onnx").Length:N0} bytes");

// 3. The pixels, made by GenderML's preprocessing (Preprocessor.Load: decode, frame, square, resize, gray/RGB),
//    laid out channel by channel as the graph takes them.
var p = model.Info.Preprocessing;
var test = dataset.Subset(SplitNames.Test).Items.Take(200).ToList();
var rows = test.Select(item =>
{
    var hwc = new byte[p.BytesPerImage];
    Preprocessor.Load(item.Path, p, hwc);
    var chw = new float[hwc.Length];
    int plane = p.Size * p.Size;
    for (int c = 0; c < p.Channels; c++)
        for (int i = 0; i < plane; i++) chw[c * plane + i] = hwc[i * p.Channels + c];
    return new PixelRow { Image = chw };
}).ToList();

// 4. ML.NET: the pixels as a vector column named like the graph's input, then ApplyOnnxModel.
var ml = new MLContext(seed: 1);
var schema = SchemaDefinition.Create(typeof(PixelRow));
var column = schema[nameof(PixelRow.Image)];
column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, p.Channels, p.Size, p.Size);
column.ColumnName = "image";
var data = ml.Data.LoadFromEnumerable(rows, schema);
var pipeline = ml.Transforms.ApplyOnnxModel(["probability"], ["image"], "model.onnx");
var scored = pipeline.Fit(data).Transform(data);
float[] onnx = [.. scored.GetColumn<float[]>("probability").Select(v => v[0])];

// 5. Beside GenderML's own predictions of the same images.
double worst = 0;
int agree = 0, correct = 0;
for (int i = 0; i < test.Count; i++)
{
    float own = model.Predict(GenderClassifier.LoadImage(model, test[i].Path)).ProbabilityMale;
    worst = Math.Max(worst, Math.Abs(own - onnx[i]));
    agree += (own > 0.5f) == (onnx[i] > 0.5f) ? 1 : 0;
    correct += (onnx[i] > 0.5f ? 1 : 0) == test[i].Label ? 1 : 0;
}
Console.WriteLine($"ML.NET + ONNX Runtime on {test.Count} test images: accuracy {(double)correct / test.Count:P1}, " +
    $"same label as GenderML for {agree}, largest |ΔP(male)| {worst:G3}");

/// <summary>One image's pixels, channel by channel.</summary>
internal sealed class PixelRow
{
    public float[] Image { get; set; } = [];
}
