using GenderML.Classifiers;
using GenderML.Data;
using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Linear;
using GenderML.Training;
using GenderML.Transfer;

namespace GenderML.Onnx.Tests;

/// <summary>
/// The face-api models (transfer with each backbone and head, transfer --fine-tune, pretrained) exported to ONNX give
/// GenderML's P(male) in ONNX Runtime within 1e-4, with and without the mirror image.
/// </summary>
public sealed class FaceModelParityTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "genderml-onnx-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pretrained_MatchesInOnnxRuntime(bool mirror)
    {
        var model = PretrainedGenderClassifier.Load(OnnxFixture.ModelsFolder, 2, mirror: mirror);
        var images = OnnxFixture.Images(1);
        var onnx = OnnxExport.ToBytes(model);
        var actual = Run(onnx, images, AgeGenderNet.InputSize, mirror);
        OnnxFixture.Near([.. model.Predict(images).Select(p => p.ProbabilityMale)], actual["probability"], Tolerance, "pretrained");
        OnnxFixture.Near([.. model.PredictWithAge(images).Select(p => p.Age)], actual["age"], Tolerance * 100, "age");
    }

    [Fact]
    public void TrainedTransfer_SavedAndLoaded_MatchesInOnnxRuntime()
    {
        var recipe = new TransferRecipe(TransferBackbone.FaceResNet)
        {
            ModelsFolder = OnnxFixture.ModelsFolder, CValues = [1.0], Mirror = true, ResNetFeatures = FaceResNetFeatures.StageMeans,
            Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.FaceResNet),
        };
        var model = SavedAndLoaded(Train(recipe));
        var images = OnnxFixture.Images(2);
        var actual = Run(OnnxExport.ToBytes(model), images, FaceRecognitionNet.InputSize, mirror: true);
        OnnxFixture.Near([.. model.Predict(images).Select(p => p.ProbabilityMale)], actual["probability"], Tolerance, "transfer");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrainedFineTune_SavedAndLoaded_MatchesInOnnxRuntime(bool flipTest)
    {
        var recipe = new TransferRecipe(TransferBackbone.FaceResNet)
        {
            ModelsFolder = OnnxFixture.ModelsFolder, Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.FaceResNet),
            FineTune = new FineTuneOptions { Epochs = 1, BatchSize = 8, FlipTrain = false, FlipTest = flipTest },
        };
        var model = SavedAndLoaded(Train(recipe));
        var images = OnnxFixture.Images(2);
        var actual = Run(OnnxExport.ToBytes(model), images, FaceRecognitionNet.InputSize, flipTest);
        OnnxFixture.Near([.. model.Predict(images).Select(p => p.ProbabilityMale)], actual["probability"], Tolerance, "fine-tune");
    }

    [Theory]
    [InlineData(TransferBackbone.FaceResNet, false, false)]
    [InlineData(TransferBackbone.Xception, true, false)]
    [InlineData(TransferBackbone.Xception, false, true)]
    [InlineData(TransferBackbone.Fusion, false, false)]
    [InlineData(TransferBackbone.Fusion, true, true)]
    public void TransferBackboneAndHead_MatchesInOnnxRuntime(TransferBackbone backbone, bool mlp, bool mirror)
    {
        int d = FaceNetClassifier.FeatureLength(backbone, FaceResNetFeatures.Descriptor);
        var random = new Random(5);
        float[] Draw(float scale, float offset) => [.. Enumerable.Range(0, d).Select(_ => offset + scale * (random.NextSingle() - 0.5f))];
        float[] mean = Draw(0.2f, 0), std = Draw(0.5f, 1), weights = Draw(1f / MathF.Sqrt(d), 0);
        var info = new ClassifierInfo { Kind = TransferRecipe.KindOf(backbone), Architecture = "test head on random weights", Preprocessing = FaceNetClassifier.Preprocessing(backbone) };
        var model = new FaceNetClassifier(info, backbone, null, OnnxFixture.ModelsFolder, new Dictionary<string, string>(), mean, std,
            mlp ? null : new LogisticModel(weights, 0.1), 2, mlp ? MlpHead.FromNetwork(MlpHead.Build(d, 7), d) : null, mirror: mirror);
        var images = OnnxFixture.Images(1);
        var inputs = new List<(string, float[])>();
        bool resnet = backbone != TransferBackbone.Xception, ageGender = backbone != TransferBackbone.FaceResNet;
        if (resnet) inputs.Add(("image", OnnxFixture.FaceInput(images, FaceRecognitionNet.InputSize)));
        string name112 = resnet ? "image_112" : "image";
        if (ageGender) inputs.Add((name112, OnnxFixture.FaceInput(images, AgeGenderNet.InputSize)));
        if (mirror && resnet) inputs.Add(("image_mirrored", OnnxFixture.FaceInput(images, FaceRecognitionNet.InputSize, mirrored: true)));
        if (mirror && ageGender) inputs.Add((resnet ? "image_112_mirrored" : "image_mirrored", OnnxFixture.FaceInput(images, AgeGenderNet.InputSize, mirrored: true)));
        var actual = OnnxFixture.Run(OnnxExport.ToBytes(model), images.Length, [.. inputs]);
        OnnxFixture.Near([.. model.Predict(images).Select(p => p.ProbabilityMale)], actual["probability"], Tolerance, info.Kind);
    }

    [Fact]
    public void TransferWithTreeHead_IsRefused_NamingTheKind()
    {
        var info = new ClassifierInfo { Kind = "transfer", Architecture = "", Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.FaceResNet) };
        var trees = new Trees.GradientBoostedTrees(128, 0, [], new double[128]);
        var model = new FaceNetClassifier(info, TransferBackbone.FaceResNet, null, OnnxFixture.ModelsFolder, new Dictionary<string, string>(),
            new float[128], [.. Enumerable.Repeat(1f, 128)], null, 1, trees: trees);
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model));
        Assert.StartsWith("transfer:", e.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, float[]> Run(byte[] onnx, Image[] images, int size, bool mirror) => mirror
        ? OnnxFixture.Run(onnx, images.Length, ("image", OnnxFixture.FaceInput(images, size)), ("image_mirrored", OnnxFixture.FaceInput(images, size, mirrored: true)))
        : OnnxFixture.Run(onnx, images.Length, ("image", OnnxFixture.FaceInput(images, size)));

    private IGenderClassifier Train(TransferRecipe recipe)
    {
        string data = OnnxFixture.CopyDataset(_root, 4);
        var options = new TrainingOptions { Seed = 3, Threads = 2, CacheFolder = Path.Combine(_root, "cache"), ValidationFraction = 0.25 };
        return Trainer.Fit(recipe, Dataset.Load(data, GenderLabels.Options), null, options).Classifier;
    }

    private IGenderClassifier SavedAndLoaded(IGenderClassifier model)
    {
        string path = Path.Combine(_root, "model.zip");
        model.Save(path);
        return GenderClassifier.Load(path, 2, OnnxFixture.ModelsFolder);
    }
}
