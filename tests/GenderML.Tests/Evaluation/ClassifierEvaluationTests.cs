using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Tests.Classifiers;
using GenderML.Training;

namespace GenderML.Tests.Evaluation;

/// <summary>Evaluator.Evaluate on a classifier: GenderML's models through their caches, any other one through Predict.</summary>
public sealed class ClassifierEvaluationTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 12);

    public void Dispose() => _faces.Dispose();

    private Dataset Data => Dataset.Load(_faces.Root, GenderLabels.Options);

    private IGenderClassifier Trained() => Trainer.Fit(new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 12 } },
        Data.Subset(SplitNames.Train), null, new TrainingOptions { Seed = 1, Threads = 1, CacheFolder = _faces.Cache, ValidationFraction = 0 })
        .Classifier;

    /// <summary>A classifier GenderML does not know: it only answers <see cref="IGenderClassifier.Predict(IReadOnlyList{Image})"/>.</summary>
    private sealed class Foreign(IGenderClassifier inner) : IGenderClassifier
    {
        public ClassifierInfo Info => inner.Info;

        public GenderPrediction Predict(Image image) => inner.Predict(image);

        public IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images) => inner.Predict(images);

        public void Save(string path) => inner.Save(path);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.7)]
    public void AnyClassifier_IsEvaluatedThroughPredict_AsGenderMLsOwnAreThroughTheirCache(double? reframe)
    {
        var model = Trained();
        var options = new ModelEvaluationOptions { CacheFolder = _faces.Cache, Threads = 2, Reframe = reframe };
        var test = Data.Subset(SplitNames.Test);

        var own = Evaluator.Evaluate(model, test, options);
        var foreign = Evaluator.Evaluate(new Foreign(model), test, options);

        Assert.Equal(test.Items.Count, own.N);
        Assert.Equal(own.Predictions, foreign.Predictions);
        Assert.Equal(own.Accuracy, foreign.Accuracy);
    }

    [Fact]
    public void PredictFromAPath_GivesTheEvaluationsPMale_ForEachFile()
    {
        var model = Trained();
        var report = Evaluator.Evaluate(model, Data.Subset(SplitNames.Test),
            new ModelEvaluationOptions { CacheFolder = _faces.Cache, Threads = 1 });

        Assert.NotEmpty(report.Predictions);
        foreach (var p in report.Predictions)
            Assert.Equal(p.PMale, model.Predict(p.Path).ProbabilityMale, 6);
    }

    [Fact]
    public void AnUnreadableFile_IsSkippedWithItsReason_ForAnyClassifier()
    {
        string bad = Path.Combine(_faces.Root, "test", "male", "broken.png");
        File.WriteAllText(bad, "not an image");
        var report = Evaluator.Evaluate(new Foreign(Trained()), Data.Subset(SplitNames.Test), new ModelEvaluationOptions { Threads = 1 });
        Assert.Contains(report.Skipped, s => s.Path == bad);
        Assert.DoesNotContain(report.Predictions, p => p.Path == bad);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void AReframeFactorOutsideZeroToOne_NamesTheProperty(double factor)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(Trained(), Data.Subset(SplitNames.Test),
            new ModelEvaluationOptions { Reframe = factor, CacheFolder = _faces.Cache }));
        Assert.Contains("ModelEvaluationOptions.Reframe", e.Message, StringComparison.Ordinal);
    }
}
