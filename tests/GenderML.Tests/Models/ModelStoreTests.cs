using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Tests.FaceApi;
using GenderML.Tests.Transfer;
using GenderML.Training;

namespace GenderML.Tests.Models;

/// <summary>The one store: every model kind trained, saved, loaded through GenderClassifier.Load, and predicting the same bits.</summary>
public sealed class ModelStoreTests : IDisposable
{
    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    public static TheoryData<string> Kinds => new(Recipes().Keys);

    private static Dictionary<string, ClassifierRecipe> Recipes()
    {
        string m = FaceApiFixture.ModelsFolder;
        var boost = new GenderML.Trees.GradientBoostingOptions { Trees = 10, Leaves = 3, MinExamplesPerLeaf = 2, LearningRate = 0.3 };
        PreprocessOptions Framed(int size, Imaging.PixelFormat format = Imaging.PixelFormat.Gray8) =>
            new() { Size = size, Format = format, Framing = new FaceFraming(FaceFraming.DefaultMargin, m, 2) };
        PreprocessOptions Canonical() => new() { Framing = FaceFraming.Canonical() };
        return new(StringComparer.Ordinal)
        {
            ["logreg"] = new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 16 } },
            ["gbdt"] = new GradientBoostingRecipe { Preprocessing = Framed(12), Boosting = boost },
            ["dense"] = new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = Framed(16), HiddenUnits = 8 },
            ["cnn2"] = new NeuralNetworkRecipe(NetworkPreset.Cnn2) { Preprocessing = Framed(20) },
            ["cnn3"] = new NeuralNetworkRecipe(NetworkPreset.Cnn3) { Preprocessing = Framed(20) },
            ["vgg"] = new NeuralNetworkRecipe(NetworkPreset.SmallerVgg) { Preprocessing = Framed(24, Imaging.PixelFormat.Rgb24), HiddenUnits = 8 },
            ["rnn"] = new NeuralNetworkRecipe(NetworkPreset.Rnn) { Preprocessing = Framed(16), HiddenUnits = 8 },
            ["resnet"] = new NeuralNetworkRecipe(NetworkPreset.ResNet) { Preprocessing = Framed(24, Imaging.PixelFormat.Rgb24) },
            ["transfer"] = new TransferRecipe(TransferBackbone.FaceResNet)
            {
                ModelsFolder = m, CValues = [1.0],
                Preprocessing = new PreprocessOptions { Framing = FaceFraming.Canonical(0, FaceFraming.LegacyDetectorSize) },
            },
            ["transfer mlp head"] = new TransferRecipe(TransferBackbone.FaceResNet) { ModelsFolder = m, Head = TransferHead.Mlp },
            ["transfer gbdt head"] = new TransferRecipe(TransferBackbone.FaceResNet) { ModelsFolder = m, Head = TransferHead.Gbdt, Boosting = boost },
            ["transfer-xception"] = new TransferRecipe(TransferBackbone.Xception)
            {
                ModelsFolder = m, CValues = [1.0], Preprocessing = Canonical(),
            },
            ["transfer-fusion"] = new TransferRecipe(TransferBackbone.Fusion)
            {
                ModelsFolder = m, CValues = [1.0], Preprocessing = Canonical(),
            },
            ["transfer fine-tuned"] = new TransferRecipe(TransferBackbone.FaceResNet)
            {
                ModelsFolder = m, CValues = [1.0],
                Preprocessing = new PreprocessOptions { Framing = FaceFraming.Canonical(0.1, FaceFraming.LegacyDetectorSize) },
                FineTune = new FineTuneOptions { Epochs = 1, BatchSize = 4 },
            },
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKind_SavedAndLoaded_PredictsTheSameBits(string name)
    {
        var recipe = Recipes()[name];
        var options = new TrainingOptions { ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2, Seed = 1, Epochs = 1, BatchSize = 4 };
        var trained = Trainer.Fit(recipe, _fixture.Dataset, null, options).Classifier;
        string path = Path.Combine(_fixture.Root, "model.zip");
        trained.Save(path);
        var loaded = GenderClassifier.Load(path, threads: 2, FaceApiFixture.ModelsFolder);

        Image[] images = [.. _fixture.Files.Select(f => Image.Load(f))];
        Assert.Equal(recipe.Kind, loaded.Info.Kind);
        Assert.Equal(trained.Info.Preprocessing, loaded.Info.Preprocessing);
        Assert.Equal(trained.Predict(images).Select(p => BitConverter.SingleToInt32Bits(p.ProbabilityMale)),
            loaded.Predict(images).Select(p => BitConverter.SingleToInt32Bits(p.ProbabilityMale)));
    }
}
