using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Training;

namespace GenderML.Onnx.Tests;

/// <summary>
/// Every pixel model kind, trained for one epoch on a few real images, exported to ONNX: ONNX Runtime's P(male) on
/// GenderML's own samples of other images is GenderML's within 1e-4.
/// </summary>
public sealed class PixelModelParityTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "genderml-onnx-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private IGenderClassifier Train(ClassifierRecipe recipe)
    {
        string data = OnnxFixture.CopyDataset(_root, 8);
        var options = new TrainingOptions
        {
            Epochs = 1, BatchSize = 8, Seed = 3, Threads = 2, CacheFolder = Path.Combine(_root, "cache"),
            Augmentation = AugmentationOptions.None, EarlyStoppingPatience = 0, ValidationFraction = 0,
        };
        return Trainer.Fit(recipe, Dataset.Load(data, GenderLabels.Options), null, options).Classifier;
    }

    [Theory]
    [InlineData(NetworkPreset.Cnn3, 1, 32, ResizeMode.Stretch)]
    [InlineData(NetworkPreset.Dense, 1, 24, ResizeMode.Stretch)]
    [InlineData(NetworkPreset.Cnn2, 3, 24, ResizeMode.Pad)]
    [InlineData(NetworkPreset.SmallerVgg, 3, 24, ResizeMode.CenterCrop)]
    [InlineData(NetworkPreset.ResNet, 1, 24, ResizeMode.Stretch)]
    [InlineData(NetworkPreset.Rnn, 3, 20, ResizeMode.Stretch)]
    public void NetworkKind_MatchesInOnnxRuntime(NetworkPreset preset, int channels, int size, ResizeMode mode)
    {
        var preprocessing = new PreprocessOptions
        {
            Size = size, Format = channels == 1 ? PixelFormat.Gray8 : PixelFormat.Rgb24, Mode = mode,
        };
        var model = Train(new NeuralNetworkRecipe(preset) { Preprocessing = preprocessing, HiddenUnits = 16 });
        AssertParity(model, preprocessing);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Logreg_MatchesInOnnxRuntime(int channels)
    {
        var preprocessing = new PreprocessOptions { Size = 16, Format = channels == 1 ? PixelFormat.Gray8 : PixelFormat.Rgb24 };
        AssertParity(Train(new LogisticRegressionRecipe { Preprocessing = preprocessing, C = 1 }), preprocessing);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Gbdt_MatchesInOnnxRuntime(int channels)
    {
        var preprocessing = new PreprocessOptions { Size = 8, Format = channels == 1 ? PixelFormat.Gray8 : PixelFormat.Rgb24 };
        var boosting = new Trees.GradientBoostingOptions { Trees = 20, Leaves = 4, MinExamplesPerLeaf = 2 };
        var model = Train(new GradientBoostingRecipe { Preprocessing = preprocessing, Boosting = boosting });
        Assert.Contains(((GradientBoostingClassifier)model).Trees.Trees, t => t.Feature.Length > 1);
        AssertParity(model, preprocessing);
    }

    [Fact]
    public void SidedPowerCalibration_MatchesInOnnxRuntime()
    {
        var preprocessing = new PreprocessOptions { Size = 16, Format = PixelFormat.Gray8 };
        var model = (TrainedClassifier)Train(new LogisticRegressionRecipe { Preprocessing = preprocessing, C = 1 });
        var sided = new ProbabilityCalibration
        {
            Method = CalibrationMethod.SidedPower, Scale = 2, Power = 0.7, LowerScale = 0.5, LowerPower = 1.5, Source = "test", Count = 1,
        };
        AssertParity(model.WithInfo(model.Info with { Calibration = sided }), preprocessing);
    }

    [Fact]
    public void AClassifierGenderMLDidNotMake_IsRefused_NamingItsKind()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Elsewhere()));
        Assert.StartsWith("elsewhere: a Elsewhere cannot be exported to ONNX", e.Message, StringComparison.Ordinal);
    }

    private sealed class Elsewhere : IGenderClassifier
    {
        public ClassifierInfo Info { get; } = new() { Kind = "elsewhere", Architecture = "", Preprocessing = new PreprocessOptions() };

        public GenderPrediction Predict(Image image) => GenderPrediction.FromProbability(0.5f);

        public IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images) => [.. images.Select(Predict)];

        public void Save(string path) => throw new NotSupportedException();
    }

    private static void AssertParity(IGenderClassifier model, PreprocessOptions preprocessing)
    {
        var images = OnnxFixture.Images(3).Skip(0).ToArray();
        var expected = model.Predict(images).Select(p => p.ProbabilityMale).ToArray();
        var onnx = OnnxExport.ToBytes(model);
        var actual = OnnxFixture.Run(onnx, images.Length, ("image", OnnxFixture.PixelInput(images, preprocessing)));
        OnnxFixture.Near(expected, actual["probability"], Tolerance, model.Info.Kind);
        Assert.Equal(images.Length, actual["logit"].Length);
    }
}
