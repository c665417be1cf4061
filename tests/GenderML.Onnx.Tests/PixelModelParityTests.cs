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

    [Fact]
    public void Gbdt_IsRefused_NamingTheKind()
    {
        var model = Train(new GradientBoostingRecipe { Preprocessing = new PreprocessOptions { Size = 8 } });
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model));
        Assert.StartsWith("gbdt:", e.Message, StringComparison.Ordinal);
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
