using GenderML.Classifiers;
using GenderML.Evaluation;
using GenderML.Data;
using GenderML.Models;
using GenderML.Training;

namespace GenderML.Tests.Classifiers;

public sealed class TrainerTests : IDisposable
{
    private readonly SyntheticFaces _faces = new();

    public void Dispose() => _faces.Dispose();

    private Dataset Train => Dataset.Load(_faces.Root, GenderLabels.Options).Subset(SplitNames.Train);

    private Dataset Test => Dataset.Load(_faces.Root, GenderLabels.Options).Subset(SplitNames.Test);

    private TrainingOptions Options(int epochs = 6) => new()
    {
        Epochs = epochs, BatchSize = 16, LearningRate = 3e-3, Seed = 3, Threads = 2, CacheFolder = _faces.Cache,
        Augmentation = AugmentationOptions.None, EarlyStoppingPatience = 0,
    };

    private static NeuralNetworkRecipe Cnn(int size = 20) => new(NetworkPreset.Cnn2) { Preprocessing = new PreprocessOptions { Size = size } };

    [Fact]
    public void MildAugmentation_IsTheDefaultWithTheNarrowerZoom()
    {
        Assert.Equal(new AugmentationOptions(true, 0.08f, 0.5f, 1.1f, 10f, 0.15f, 0.15f), AugmentationOptions.Default);
        Assert.Equal(new AugmentationOptions(true, 0.08f, 0.7f, 1.1f, 10f, 0.15f, 0.15f), AugmentationOptions.Mild);
    }

    [Fact]
    public void ACacheBuild_IsReportedAsAPreparingPass_BeforeTheEpochs()
    {
        var reports = new List<TrainingProgress>();
        var options = Options(epochs: 1) with { CacheFolder = Path.Combine(_faces.Cache, "fresh") };
        Trainer.Fit(new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = new PreprocessOptions { Size = 12 } }, Train, null, options,
            new SyncProgress(reports.Add));

        var preparing = reports.TakeWhile(r => r.Phase == TrainingProgress.PreparingPhase).ToList();
        Assert.NotEmpty(preparing);
        Assert.Equal(Train.Items.Count, preparing[^1].Batch);
        Assert.Equal(Train.Items.Count, preparing[^1].Batches);
        Assert.All(reports.Skip(preparing.Count), r => Assert.Equal(TrainingProgress.TrainingPhase, r.Phase));

        reports.Clear();   // the cache is there now: nothing to prepare
        Trainer.Fit(new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = new PreprocessOptions { Size = 12 } }, Train, null, options,
            new SyncProgress(reports.Add));
        Assert.DoesNotContain(reports, r => r.Phase == TrainingProgress.PreparingPhase);
    }

    [Fact]
    public void LogisticRegressionLearnsTheStripes()
    {
        var recipe = new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 16 }, C = 1 };
        var result = Trainer.Fit(recipe, Train, null, Options() with { ValidationFraction = 0 });
        var report = Evaluator.Evaluate(result.Classifier, Test, new ModelEvaluationOptions { CacheFolder = _faces.Cache });
        Assert.Equal(40, report.N);
        Assert.True(report.Accuracy >= 0.7, $"accuracy {report.Accuracy}");
        Assert.Equal("logreg", result.Classifier.Info.Kind);
        Assert.Equal(Test.Items.Select(i => (i.Path, i.Label)), report.Predictions.Select(p => (p.Path, p.Label)));
        Assert.Equal(report.Accuracy, report.Predictions.Count(p => p.PMale > 0.5 == (p.Label == 1)) / 40.0);
    }

    [Theory]
    [InlineData(NetworkPreset.Cnn2)]
    [InlineData(NetworkPreset.Dense)]
    public void NetworksLearnTheStripes(NetworkPreset preset)
    {
        var recipe = new NeuralNetworkRecipe(preset) { Preprocessing = new PreprocessOptions { Size = 20 } };
        var result = Trainer.Fit(recipe, Train, null, Options(epochs: 10));
        var report = Evaluator.Evaluate(result.Classifier, Test, new ModelEvaluationOptions { CacheFolder = _faces.Cache });
        Assert.True(report.Accuracy >= 0.9, $"{preset}: accuracy {report.Accuracy}");
        Assert.Equal(10, result.Classifier.Info.Curves!.Epochs.Count);
    }

    [Theory]
    [InlineData(NetworkPreset.Cnn3)]
    [InlineData(NetworkPreset.SmallerVgg)]
    [InlineData(NetworkPreset.Rnn)]
    [InlineData(NetworkPreset.ResNet)]
    public void EveryPresetTrainsSavesAndLoads(NetworkPreset preset)
    {
        var recipe = new NeuralNetworkRecipe(preset) { Preprocessing = new PreprocessOptions { Size = 24, Format = Imaging.PixelFormat.Rgb24 }, HiddenUnits = 16 };
        var result = Trainer.Fit(recipe, Train, null, Options(epochs: 1));
        string path = Path.Combine(_faces.Root, $"{preset}.zip");
        result.Classifier.Save(path);
        var loaded = GenderClassifier.Load(path, threads: 1);
        var images = Enumerable.Range(0, 5).Select(i => SyntheticFaces.Make(i % 2 == 0, new Random(i))).ToList();
        Assert.Equal(result.Classifier.Predict(images).Select(p => p.ProbabilityMale), loaded.Predict(images).Select(p => p.ProbabilityMale));
    }

    [Fact]
    public void SaveAndLoadGiveBitIdenticalPredictionsAndInfo()
    {
        var result = Trainer.Fit(Cnn(), Train, null, Options(epochs: 2));
        string path = Path.Combine(_faces.Root, "model.zip");
        result.Classifier.Save(path);
        var loaded = GenderClassifier.Load(path);
        var images = Enumerable.Range(0, 9).Select(i => SyntheticFaces.Make(i % 2 == 0, new Random(100 + i))).ToList();
        var before = result.Classifier.Predict(images);
        var after = loaded.Predict(images);
        Assert.Equal(before.Select(p => BitConverter.SingleToInt32Bits(p.ProbabilityMale)), after.Select(p => BitConverter.SingleToInt32Bits(p.ProbabilityMale)));
        Assert.Equal(result.Classifier.Info.Kind, loaded.Info.Kind);
        Assert.Equal(result.Classifier.Info.Preprocessing, loaded.Info.Preprocessing);
        // A saved model holds no wall-clock time: the training seconds stay with the run.
        Assert.Equal(result.Classifier.Info.Training! with { Seconds = 0 }, loaded.Info.Training);
        Assert.Equal(2, loaded.Info.Curves!.Epochs.Count);
        Assert.Equal(result.Classifier.Info.Metrics["accuracy"], loaded.Info.Metrics["accuracy"]);
    }

    [Fact]
    public void ALoadedLogisticRegressionPredictsTheSameBits()
    {
        var recipe = new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 16 } };
        var trained = Trainer.Fit(recipe, Train, null, Options() with { ValidationFraction = 0 }).Classifier;
        string path = Path.Combine(_faces.Root, "logreg.zip");
        trained.Save(path);
        var loaded = GenderClassifier.Load(path);
        var images = Enumerable.Range(0, 9).Select(i => SyntheticFaces.Make(i % 2 == 0, new Random(200 + i))).ToList();
        Assert.Equal(trained.Predict(images).Select(p => p.ProbabilityMale), loaded.Predict(images).Select(p => p.ProbabilityMale));
    }

    [Fact]
    public void BoostedTreesTrainSaveAndLoadBitIdentically()
    {
        var recipe = new GradientBoostingRecipe
        {
            Preprocessing = new PreprocessOptions { Size = 12 },
            Boosting = new GenderML.Trees.GradientBoostingOptions { Trees = 20, Leaves = 4, MinExamplesPerLeaf = 3 },
        };
        var trained = Trainer.Fit(recipe, Train, null, Options() with { ValidationFraction = 0 }).Classifier;
        var report = Evaluator.Evaluate(trained, Test, new ModelEvaluationOptions { CacheFolder = _faces.Cache });
        Assert.True(report.Accuracy >= 0.8, $"accuracy {report.Accuracy}");
        string path = Path.Combine(_faces.Root, "gbdt.zip");
        trained.Save(path);
        var loaded = GenderClassifier.Load(path);
        Assert.Equal("gbdt", loaded.Info.Kind);
        var images = Enumerable.Range(0, 9).Select(i => SyntheticFaces.Make(i % 2 == 0, new Random(300 + i))).ToList();
        Assert.Equal(trained.Predict(images).Select(p => p.ProbabilityMale), loaded.Predict(images).Select(p => p.ProbabilityMale));
    }

    [Fact]
    public void SameSeedSameModelOnOneOrTwoThreads()
    {
        var withAugmentation = Options(epochs: 2) with { Augmentation = AugmentationOptions.Default };
        var one = Trainer.Fit(Cnn(), Train, null, withAugmentation with { Threads = 1 }).Classifier;
        var two = Trainer.Fit(Cnn(), Train, null, withAugmentation with { Threads = 2 }).Classifier;
        var images = Enumerable.Range(0, 6).Select(i => SyntheticFaces.Make(i % 2 == 1, new Random(i))).ToList();
        Assert.Equal(one.Predict(images).Select(p => p.ProbabilityMale), two.Predict(images).Select(p => p.ProbabilityMale));
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameModel()
    {
        var recipe = new NeuralNetworkRecipe(NetworkPreset.Cnn3) { Preprocessing = new PreprocessOptions { Size = 20 }, HiddenUnits = 16 };
        string checkpoint = Path.Combine(_faces.Root, "run.checkpoint");
        var options = Options(epochs: 4) with { Augmentation = AugmentationOptions.Default, CheckpointPath = checkpoint };
        var straight = Trainer.Fit(recipe, Train, null, options with { CheckpointPath = null }).Classifier;

        using var cancel = new CancellationTokenSource();
        var stopAfterTwoEpochs = new SyncProgress(p => { if (p.Epoch == 2 && p.ValidationLoss is not null) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(recipe, Train, null, options, stopAfterTwoEpochs, cancel.Token));
        Assert.True(File.Exists(checkpoint));
        var resumed = Trainer.Fit(recipe, Train, null, options with { Resume = true }).Classifier;

        var images = Enumerable.Range(0, 6).Select(i => SyntheticFaces.Make(i % 2 == 1, new Random(50 + i))).ToList();
        Assert.Equal(straight.Predict(images).Select(p => p.ProbabilityMale), resumed.Predict(images).Select(p => p.ProbabilityMale));
        Assert.Equal(4, resumed.Info.Curves!.Epochs.Count);
    }

    [Fact]
    public void OneClassOnlyIsAClearError()
    {
        var femaleOnly = Dataset.Load(Path.Combine(_faces.Root, "train", "female"), GenderLabels.Options.WithAlias("female", "female"));
        var e = Assert.ThrowsAny<Exception>(() => Trainer.Fit(Cnn(), femaleOnly, null, Options(1)));
        Assert.Contains("female", e.Message);
    }

    [Fact]
    public void CorruptFilesAreListedNotDropped()
    {
        string bad = Path.Combine(_faces.Root, "train", "male", "broken.jpg");
        File.WriteAllText(bad, "<html>not a jpeg</html>");
        var result = Trainer.Fit(new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 16 } }, Train, null, Options() with { ValidationFraction = 0 });
        Assert.Contains(result.Skipped, s => s.Path == bad);
    }

    [Theory]
    [InlineData("not a zip at all")]
    [InlineData("")]
    public void ACorruptModelFileIsRejected(string content)
    {
        string path = Path.Combine(_faces.Root, "bad.zip");
        File.WriteAllText(path, content);
        Assert.Throws<ModelFormatException>(() => GenderClassifier.Load(path));
    }

    /// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
