using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Tests.Classifiers;

namespace GenderML.Tests.Cli;

/// <summary>The CLI trains the library's presets: the same name and seed give the same model file, byte for
/// byte.</summary>
[Collection("Console")]
public sealed class PresetTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 16);

    public void Dispose() => _faces.Dispose();

    private Dataset Train => Dataset.Load(_faces.Root, GenderLabels.Options).Subset(SplitNames.Train);

    [Fact]
    public void Cnn3_FromTheCli_IsByteIdentical_ToThePresetFromCSharp()
    {
        string cli = Path.Combine(_faces.Root, "cli.zip"), library = Path.Combine(_faces.Root, "library.zip");
        var (code, _, err) = CliRunner.Run("train", "--data", _faces.Root, "--model", "cnn3", "--seed", "1", "--out",
            cli,
            "--epochs", "1", "--batch", "8", "--image-size", "16", "--cache", _faces.Cache, "--quiet");
        Assert.True(code == 0, err);

        // The same preset with the same two changes (a small image and one epoch, for speed) made from C#.
        var preset = ClassifierPresets.Create("cnn3");
        var recipe = preset with
        {
            Preprocessing = preset.Preprocessing with { Size = 16 },
            Training = preset.Training with { Seed = 1, Epochs = 1, BatchSize = 8, CacheFolder = _faces.Cache },
        };
        Trainer.Fit(recipe, Train).Classifier.Save(library);

        Assert.Equal(File.ReadAllBytes(cli), File.ReadAllBytes(library));
    }

    [Fact]
    public void Cnn3_FromTheCliInAnotherProcess_IsByteIdentical_ToThePresetInThisOne()
    {
        // Whatever the runtime randomises per process (string hashes, HashCode) must not reach the model.
        string cli = Path.Combine(_faces.Root, "process.zip"), library = Path.Combine(_faces.Root, "here.zip");
        string dll = Path.Combine(AppContext.BaseDirectory, "GenderML.Cli.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "train", "--data", _faces.Root, "--model", "cnn3", "--seed", "1", "--out", cli, "--epochs", "2",
                "--batch", "8", "--image-size", "16", "--cache", _faces.Cache, "--quiet",
                "--face-models", GenderML.Tests.FaceApi.FaceApiFixture.ModelsFolder,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var process = System.Diagnostics.Process.Start(start)!)
        {
            string err = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, err);
        }

        var preset = ClassifierPresets.Create("cnn3");
        var recipe = preset with
        {
            Preprocessing = preset.Preprocessing with { Size = 16 },
            Training = preset.Training with { Seed = 1, Epochs = 2, BatchSize = 8, CacheFolder = _faces.Cache },
        };
        Trainer.Fit(recipe, Train).Classifier.Save(library);

        Assert.Equal(File.ReadAllBytes(cli), File.ReadAllBytes(library));
    }

    [Fact]
    public void Transfer_FromTheCli_IsByteIdentical_ToThePresetFromCSharp()
    {
        using var fixture = new GenderML.Tests.Transfer.TransferFixture();
        string cli = Path.Combine(fixture.Root, "cli.zip"), library = Path.Combine(fixture.Root, "library.zip");
        var (code, _, err) = CliRunner.Run("train", "--data", fixture.Data, "--model", "transfer", "--seed", "1",
            "--out", cli,
            "--cache", Path.Combine(fixture.Root, "cli-cache"), "--face-models",
                GenderML.Tests.FaceApi.FaceApiFixture.ModelsFolder, "--quiet");
        Assert.True(code == 0, err);

        // Each side starts from a cold embedding cache: the model's training notes count cache hits.
        var preset = (TransferRecipe)ClassifierPresets.Create("transfer");
        var recipe = preset with
        {
            ModelsFolder = GenderML.Tests.FaceApi.FaceApiFixture.ModelsFolder,
            Training = preset.Training with { Seed = 1, CacheFolder = Path.Combine(fixture.Root, "library-cache") },
        };
        var data = Dataset.Load(fixture.Data, GenderLabels.Options);
        Trainer.Fit(recipe, data.Splits.Contains(SplitNames.Train) ? data.Subset(SplitNames.Train)
            : data).Classifier.Save(library);

        Assert.Equal(File.ReadAllBytes(cli), File.ReadAllBytes(library));
    }

    [Fact]
    public void EveryPreset_HasTheKindOfItsName_AndFramesFacesButLogreg()
    {
        foreach (string name in ClassifierPresets.Names)
        {
            var recipe = ClassifierPresets.Create(name);
            Assert.Equal(name, recipe.Kind);
            bool framed = recipe.Preprocessing.Framing is FaceFraming;
            Assert.Equal(name != "logreg", framed);
        }
        Assert.Throws<ArgumentException>(() => ClassifierPresets.Create("cnn4"));
    }

    [Fact]
    public void ThePresetsTrainingOptions_TravelWithTheRecipe()
    {
        Assert.Equal((12, 2e-3, 0.1), (ClassifierPresets.Create("cnn3").Training.Epochs,
            ClassifierPresets.Create("cnn3").Training.LearningRate,
            ClassifierPresets.Create("cnn3").Training.ValidationFraction));
        Assert.Equal((10, 1e-3), (ClassifierPresets.Create("dense").Training.Epochs,
            ClassifierPresets.Create("dense").Training.LearningRate));
        Assert.Equal(0, ClassifierPresets.Create("logreg").Training.ValidationFraction);
        Assert.Equal(64, ClassifierPresets.Create("resnet").Preprocessing.Size);
    }
}
