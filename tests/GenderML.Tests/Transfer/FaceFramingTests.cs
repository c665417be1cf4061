using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Models;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Transfer;

/// <summary>Face framing for pixel and CNN models (<see cref="FaceFraming"/>): what it does to a loose frame, and how models keep it.</summary>
public sealed class FaceFramingTests : IDisposable
{
    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static PreprocessOptions Framed(double margin = 0.1) =>
        new() { Size = 32, Framing = new FaceFraming(margin, FaceApiFixture.ModelsFolder, threads: 2) };

    /// <summary>The mean absolute difference over the central half (16×16) of two 32×32 gray samples: where the face is.</summary>
    private static double CentreDifference(byte[] a, byte[] b) =>
        Enumerable.Range(8, 16).SelectMany(y => Enumerable.Range(8, 16).Select(x => Math.Abs(a[y * 32 + x] - b[y * 32 + x]))).Average();

    [Fact]
    public void AFaceShrunkToHalf_IsFramedLikeTheOriginal()
    {
        // Without framing, the 32×32 sample of a face shrunk to half inside its frame shows the face at half size; with
        // face framing, both samples show it at the same place and size, so their centres (the face) are much closer.
        var plain = new PreprocessOptions { Size = 32 };
        var framed = Framed();
        var (closer, total, before, after) = (0, 0, 0.0, 0.0);
        foreach (string file in _fixture.Files)
        {
            var image = Image.Load(file, new ImageLoadOptions { Format = PixelFormat.Rgb24 });
            var loose = Reframing.Reframe(image, 0.5);
            double b = CentreDifference(ImageSample.WriteAll([image], plain), ImageSample.WriteAll([loose], plain));
            double a = CentreDifference(ImageSample.WriteAll([image], framed), ImageSample.WriteAll([loose], framed));
            (closer, total, before, after) = (closer + (a < b ? 1 : 0), total + 1, before + b, after + a);
        }
        Assert.True(closer >= total - 1, $"framing brought only {closer} of {total} loose faces closer to their originals");
        Assert.True(after < 0.8 * before, $"mean centre difference {after / total:F1} framed against {before / total:F1} plain");
    }

    [Fact]
    public void FramedNetwork_TrainsSavesAndLoads_WithTheSamePredictions()
    {
        var recipe = new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = Framed(), HiddenUnits = 8 };
        var result = Trainer.Fit(recipe, _fixture.Dataset, null,
            new Training.TrainingOptions { Epochs = 1, ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 });
        Assert.Empty(result.Skipped);
        Assert.Single(Directory.GetFiles(_fixture.Cache, "*faces0.1-tiny224-large.gmlfc"));
        string path = Path.Combine(_fixture.Root, "framed.zip");
        result.Classifier.Save(path);

        var framing = ModelArchive.Load(path).Manifest.Preprocessing.GetProperty("framing");
        Assert.Equal(("faces", 0.1, 224), (framing.GetProperty("kind").GetString(), framing.GetProperty("margin").GetDouble(), framing.GetProperty("detectorSize").GetInt32()));
        var loaded = GenderClassifier.Load(path, 2, FaceApiFixture.ModelsFolder);
        Assert.Equal(recipe.Preprocessing.Key, loaded.Info.Preprocessing.Key);

        // Each prediction says whether its image had a face; one without is classified whole.
        var blank = new Image(64, 48, PixelFormat.Rgb24, Enumerable.Repeat((byte)128, 64 * 48 * 3).ToArray());
        var face = Image.Load(_fixture.Files[0], new ImageLoadOptions { Format = PixelFormat.Rgb24 });
        Assert.Equal(new bool?[] { true, false }, loaded.Predict([face, blank]).Select(p => p.FaceFound));
        var plain = Trainer.Fit(recipe with { Preprocessing = new PreprocessOptions { Size = 32 } }, _fixture.Dataset, null,
            new Training.TrainingOptions { Epochs = 1, ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 });
        Assert.Null(plain.Classifier.Predict(face).FaceFound);

        Image[] images = [.. _fixture.Files.Select(f => Image.Load(f))];
        var before = result.Classifier.Predict(images).Select(p => p.ProbabilityMale).ToArray();
        Assert.Equal(before, loaded.Predict(images).Select(p => p.ProbabilityMale).ToArray());
        Assert.Equal(before[0], loaded.Predict(images[0]).ProbabilityMale);

        // The evaluator reads the framed cache, and frames reframed images the same way.
        var report = Evaluator.Evaluate(loaded, _fixture.Dataset, new ModelEvaluationOptions { CacheFolder = _fixture.Cache, Threads = 2 });
        Assert.Equal(images.Length, report.N);
        var reframed = Evaluator.Evaluate(loaded, _fixture.Dataset, new ModelEvaluationOptions { Reframe = 0.7, Threads = 2 });
        Assert.Equal(images.Length, reframed.N);
    }

    [Theory]
    [InlineData("{\"kind\": \"hands\", \"margin\": 0.2, \"detectorSize\": 224}", "unknown framing 'hands'")]
    [InlineData("{\"kind\": \"faces\", \"margin\": 7, \"detectorSize\": 224}", "margin 7 is not in")]
    [InlineData("{\"kind\": \"faces\", \"margin\": 0.2, \"detectorSize\": 99}", "99 px detector")]
    [InlineData("{\"kind\": \"faces\"}", "inconsistent model")]
    public void TamperedFraming_IsRejected(string framing, string message)
    {
        var result = Trainer.Fit(new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 8 } }, _fixture.Dataset, null,
            new Training.TrainingOptions { ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 });
        string path = Path.Combine(_fixture.Root, "tampered.zip");
        result.Classifier.Save(path);
        var contents = ModelArchive.Load(path);
        var preprocessing = JsonNode.Parse(contents.Manifest.Preprocessing.GetRawText())!.AsObject();
        preprocessing["framing"] = JsonNode.Parse(framing);
        ModelArchive.Save(path, contents.Manifest with { Preprocessing = JsonSerializer.SerializeToElement(preprocessing) }, contents.Entries);
        var e = Assert.Throws<ModelFormatException>(() => GenderClassifier.Load(path, 1, FaceApiFixture.ModelsFolder));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FramedModel_WithoutTheDetectorWeights_SaysHowToFetchThem()
    {
        var recipe = new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = Framed(), HiddenUnits = 4 };
        var result = Trainer.Fit(recipe, _fixture.Dataset, null,
            new Training.TrainingOptions { Epochs = 1, ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 });
        string path = Path.Combine(_fixture.Root, "framed.zip");
        result.Classifier.Save(path);
        // Loading reads no weights yet; the first image to frame needs the detector.
        var loaded = GenderClassifier.Load(path, 2, Path.Combine(_fixture.Root, "no-such-models"));
        var e = Assert.ThrowsAny<IOException>(() => loaded.Predict(Image.Load(_fixture.Files[0]))); // folder or file not found
        Assert.Contains("fetch-models", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImageWithoutAFace_IsUsedWholeAndCounted()
    {
        var framing = new FaceFraming(FaceFraming.DefaultMargin, FaceApiFixture.ModelsFolder, threads: 2);
        var blank = new Image(64, 48, PixelFormat.Rgb24, Enumerable.Repeat((byte)128, 64 * 48 * 3).ToArray());
        Assert.Null(framing.NoFaceNote());

        var framed = framing.Frame([blank]);

        Assert.Equal((64, 48), (framed[0].Width, framed[0].Height));
        Assert.Equal(1, framing.ImagesWithoutFace);
        Assert.Contains("no face found in 1 of the images", framing.NoFaceNote());
        Assert.Null(framing.NoFaceNote(before: 1));
    }

    [Fact]
    public void Margin_OutsideItsRange_IsRefused() =>
        Assert.All(new[] { -0.5, 1.5, double.NaN }, m => Assert.Throws<ArgumentOutOfRangeException>(() => new FaceFraming(m, FaceApiFixture.ModelsFolder)));

    [Fact]
    public void ThePresets_KeepTheFramingsAndCacheKeysModelsWereTrainedWith()
    {
        string m = FaceApiFixture.ModelsFolder;
        var pixels = new FaceFraming(modelsFolder: m);
        Assert.Equal((-0.1, 224, FramingEdge.Extend, "faces-0.1-tiny224-large"), (pixels.Margin, pixels.DetectorSize, pixels.Edge, pixels.Key));
        var canonical = FaceFraming.Canonical(modelsFolder: m);
        Assert.Equal((0.0, 224, FramingEdge.Clip, "canon0-tiny224-retry-large"), (canonical.Margin, canonical.DetectorSize, canonical.Edge, canonical.Key));
        var transfer = ((TransferRecipe)ClassifierPresets.Create("transfer-resnet") with { ModelsFolder = m }).Framing(1)!;
        Assert.Equal((0.0, 160, FramingEdge.Clip, "canon0-retry-large"), (transfer.Margin, transfer.DetectorSize, transfer.Edge, transfer.Key));
        Assert.Null(new TransferRecipe(TransferBackbone.FaceResNet).Framing(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceFraming(0, 100, FramingEdge.Clip, m));
    }
}
