using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Tests.Classifiers;
using GenderML.Training;

namespace GenderML.Tests.Calibration;

/// <summary>Calibration and the model card as <see cref="Trainer"/>.<c>Fit</c> makes them, saves them and loads them.</summary>
public sealed class TrainedCalibrationTests : IDisposable
{
    private readonly SyntheticFaces _faces = new();

    public void Dispose() => _faces.Dispose();

    private Dataset All => Dataset.Load(_faces.Root, GenderLabels.Options);

    private TrainingOptions Options => new() { Seed = 3, Threads = 2, CacheFolder = _faces.Cache, ValidationFraction = 0 };

    private static LogisticRegressionRecipe Logreg => new() { Preprocessing = new PreprocessOptions { Size = 16 }, C = 1 };

    [Fact]
    public void A_model_without_a_validation_part_is_calibrated_out_of_fold_and_carries_its_card()
    {
        var result = Trainer.Fit(Logreg, All.Subset(SplitNames.Train), null, Options);
        var info = result.Classifier.Info;
        Assert.Equal(CalibrationMethod.Temperature, info.Calibration.Method);
        Assert.Equal("out-of-fold (3 folds)", info.Calibration.Source);
        Assert.Equal(80, info.Calibration.Count);
        var card = ModelCard.For(result.Classifier);
        Assert.Same(info.Card, card);
        Assert.Equal("logreg", card.Kind);
        Assert.Equal(Path.GetFileName(_faces.Root), card.TrainingData!.Source);
        Assert.Equal([new ModelCardCount("train", "female", 40), new ModelCardCount("train", "male", 40)], card.TrainingData.Counts);
        Assert.Equal("none", card.TrainingData.HeldOut);
        Assert.DoesNotContain(Path.GetTempPath(), card.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_calibrates_and_the_report_gives_the_ECE_before_and_after()
    {
        var result = Trainer.Fit(Logreg, All.Subset(SplitNames.Train), null, Options with { ValidationFraction = 0.25 });
        var c = result.Classifier.Info.Calibration;
        Assert.Equal("validation", c.Source);
        Assert.Equal(20, c.Count);
        Assert.Equal(c.EceAfter!.Value, result.Validation!.ExpectedCalibrationError, 9);
        Assert.Equal(c.EceBefore, result.Validation.UncalibratedExpectedCalibrationError);
        Assert.Equal(c.EceBefore, result.Classifier.Info.Metrics["eceUncalibrated"]);

        var report = Evaluator.Evaluate(result.Classifier, All.Subset(SplitNames.Test), new ModelEvaluationOptions { CacheFolder = _faces.Cache });
        Assert.NotNull(report.UncalibratedExpectedCalibrationError);
        // Predict gives the calibrated P(male) the evaluation scored.
        var first = report.Predictions[0];
        Assert.Equal(first.PMale, result.Classifier.Predict(first.Path).ProbabilityMale, 6);
    }

    [Fact]
    public void Calibration_and_card_survive_save_and_load_and_the_bytes_are_deterministic()
    {
        string a = Path.Combine(_faces.Root, "a.zip"), b = Path.Combine(_faces.Root, "b.zip");
        Trainer.Fit(Logreg, All.Subset(SplitNames.Train), null, Options).Classifier.Save(a);
        var trained = Trainer.Fit(Logreg, All.Subset(SplitNames.Train), null, Options).Classifier;
        trained.Save(b);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        var loaded = GenderClassifier.Load(a, threads: 2);
        Assert.Equal(trained.Info.Calibration, loaded.Info.Calibration);
        Assert.Equal(trained.Info.Card!.ToJson(), loaded.Info.Card!.ToJson());
        string image = Directory.GetFiles(Path.Combine(_faces.Root, "test", "male"))[0];
        Assert.Equal(trained.Predict(image).ProbabilityMale, loaded.Predict(image).ProbabilityMale);
    }

    [Fact]
    public void CalibrationMethod_None_leaves_the_model_uncalibrated()
    {
        var result = Trainer.Fit(Logreg with { Calibration = CalibrationMethod.None }, All.Subset(SplitNames.Train), null, Options);
        Assert.True(result.Classifier.Info.Calibration.IsIdentity);
        Assert.Contains("None: P(male) is the model's own.", ModelCard.For(result.Classifier).ToMarkdown(), StringComparison.Ordinal);
    }
}
