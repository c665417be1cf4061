using GenderML.Classifiers;
using GenderML.Data;
using GenderML.FaceApi;
using GenderML.FaceApi.Models;
using GenderML.Imaging;
using GenderML.Tests.Transfer;
using GenderML.Training;
using GenderML.Transfer;

namespace GenderML.Tests.FaceApi;

/// <summary>
/// The weights packaged in GenderML.FaceApi.Models: the same bytes as the fetched files, read with no folder by every
/// face-api model, and listed with their sha256 in the package README.
/// </summary>
public sealed class PackagedWeightsTests : IDisposable
{
    private static readonly string[] Listed = [.. File.ReadAllLines(Path.Combine(RepoRoot, "scripts", "face-api-1.7.15.sha256"))
        .Where(l => l.Length > 0)];

    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static string RepoRoot => Path.GetFullPath(Path.Combine(FaceApiFixture.ModelsFolder, "..", ".."));

    [Fact]
    public void EveryPackagedFile_IsTheFetchedFile_AndPassesTheShaCheck()
    {
        Assert.Equal(Listed.Select(l => l.Split("  ")[1]).Order(StringComparer.Ordinal), FaceApiWeights.FileNames);
        foreach (string name in FaceApiWeights.FileNames)
        {
            byte[] packaged = ModelFiles.ReadVerified(null, name);
            Assert.Equal(File.ReadAllBytes(Path.Combine(FaceApiFixture.ModelsFolder, name)), packaged);
        }
        Assert.Equal(FaceModelsFolder.Hashes(FaceApiFixture.ModelsFolder, FaceApiWeights.FileNames),
            FaceModelsFolder.Hashes(null, FaceApiWeights.FileNames));
    }

    [Fact]
    public void AnUnknownName_IsRefusedByName()
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelFiles.ReadVerified(null, "other_model.bin"));
        Assert.StartsWith("GenderML.FaceApi.Models:other_model.bin: not one of the known", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch-models", e.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => FaceApiWeights.Open("other_model.bin"));
    }

    [Fact]
    public void ThePackageReadme_ListsEveryFileWithItsSha256()
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot, "docs", "packages", "GenderML.FaceApi.Models.md"));
        foreach (string line in Listed)
        {
            var parts = line.Split("  ");
            Assert.Contains($"| `{parts[1]}` | `{parts[0]}` |", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Pretrained_WithoutAFolder_PredictsAsWithTheFetchedFolder()
    {
        Image[] images = [.. _fixture.Files.Take(3).Select(f => Image.Load(f))];
        var packaged = PretrainedGenderClassifier.Load(threads: 2).Predict(images);
        var fetched = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, threads: 2).Predict(images);
        Assert.Equal(fetched.Select(p => p.ProbabilityMale), packaged.Select(p => p.ProbabilityMale));
    }

    [Fact]
    public void FramedAndTransferModels_TrainedWithoutAFolder_LoadWithoutOne_WithTheSamePredictions()
    {
        var options = new TrainingOptions { Epochs = 1, ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 };
        Image[] images = [.. _fixture.Files.Take(3).Select(f => Image.Load(f))];
        var framed = new NeuralNetworkRecipe(NetworkPreset.Dense)
        {
            HiddenUnits = 8, Preprocessing = new PreprocessOptions { Size = 32, Framing = new FaceFraming(threads: 2) },
        };
        var transfer = new TransferRecipe(TransferBackbone.FaceResNet) { CValues = [1.0] };
        foreach (var (name, recipe) in new (string, ClassifierRecipe)[] { ("framed", framed), ("transfer", transfer) })
        {
            var trained = Trainer.Fit(recipe, _fixture.Dataset, null, options).Classifier;
            string path = Path.Combine(_fixture.Root, name + ".zip");
            trained.Save(path);
            var loaded = GenderClassifier.Load(path, threads: 2);
            Assert.Equal(trained.Predict(images).Select(p => p.ProbabilityMale), loaded.Predict(images).Select(p => p.ProbabilityMale));
        }
    }
}
