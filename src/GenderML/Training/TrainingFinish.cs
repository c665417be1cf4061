using System.Globalization;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>
/// The last step of every training run (<see cref="Trainer"/>.<c>Fit</c>): the calibration fitted on held-out raw
/// scores, the validation metrics and per-group figures after it, and the model card.
/// </summary>
internal static class TrainingFinish
{
    public static TrainingResult Calibrate(ClassifierRecipe recipe, TrainingResult fitted, TrainingSplit split, TrainingOptions options,
        CancellationToken cancellation)
    {
        // A model another assembly trains (ExtensionRecipe) brings its own probabilities: ML.NET's trainers calibrate.
        if (fitted.Classifier is not TrainedClassifier classifier) return fitted;
        var scores = fitted.HeldOut;
        string source = fitted.HeldOutSource;
        var validation = split.Validation;
        if (scores is null && recipe.Calibration != CalibrationMethod.None && validation is { Items.Count: > 0 })
        {
            // The stages' own validation scores may differ from predictions (a transfer model's mirror average), so the
            // validation part is scored again as the model predicts, through its cache.
            scores = classifier.ScoreUncalibrated(validation,
                new ModelEvaluationOptions { CacheFolder = options.CacheFolder, Threads = options.Threads }, cancellation);
            source = "validation";
        }
        var calibration = ProbabilityCalibration.Identity;
        var report = fitted.Validation;
        var metrics = classifier.Info.Metrics;
        IReadOnlyList<GroupBreakdown> groups = [];
        if (scores is { Items.Count: > 0 })
        {
            int[] labels = [.. scores.Items.Select(i => i.Label)];
            calibration = CalibrationFit.Fit(recipe.Calibration, labels, scores.PMale, source);
            if (source == "validation")
            {
                var calibrated = calibration.Apply(scores.PMale);
                report = Evaluator.Evaluate(labels, calibrated, new EvaluationOptions
                {
                    Groups = Evaluator.GroupsOf(scores.Items, null), Seed = options.Seed, Skipped = fitted.Validation?.Skipped ?? [],
                }) with { UncalibratedExpectedCalibrationError = calibration.EceBefore };
                var m = Trainer.MetricsOf(report);
                if (calibration.EceBefore is { } before) m["eceUncalibrated"] = before;
                metrics = m;
                groups = report.Groups;
            }
        }
        var info = classifier.Info with { Calibration = calibration, Metrics = metrics };
        info = info with { Card = Card(info, split, fitted.Skipped, options, groups) };
        return fitted with { Classifier = classifier.WithInfo(info), Validation = report };
    }

    private static ModelCard Card(ClassifierInfo info, TrainingSplit split, IReadOnlyList<SkippedFile> skipped, TrainingOptions options,
        IReadOnlyList<GroupBreakdown> groups)
    {
        var left = skipped.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        var counts = new List<ModelCardCount>();
        void Count(string split, Dataset? data)
        {
            if (data is null) return;
            for (int label = 0; label < data.ClassNames.Count; label++)
                counts.Add(new ModelCardCount(split, data.ClassNames[label], data.Items.Count(i => i.Label == label && !left.Contains(i.Path))));
        }
        Count(SplitNames.Train, split.Train);
        Count(SplitNames.Validation, split.Validation);
        var root = (split.Whole ?? split.Train).Root;
        string heldOut = split.Whole is not null
            ? string.Create(CultureInfo.InvariantCulture, $"{options.ValidationFraction:P0} of the training images, stratified by class (seed {options.Seed})")
            : split.Validation is { Items.Count: > 0 } v ? $"a separate set ({Name(v.Root)})" : "none";
        return new ModelCard
        {
            Kind = info.Kind,
            Architecture = info.Architecture,
            TrainingData = new ModelCardData(Name(root), counts, heldOut),
            ValidationMetrics = info.Metrics,
            Calibration = info.Calibration,
            ValidationGroups = groups,
        };
    }

    /// <summary>A folder's or file's own name, without the path to it.</summary>
    internal static string Name(string path) => Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
}
