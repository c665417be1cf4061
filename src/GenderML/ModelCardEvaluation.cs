using GenderML.Evaluation;

namespace GenderML;

/// <summary>Metrics of a model on one labelled set, as a <see cref="ModelCard"/> records them.</summary>
/// <param name="Source">The data folder or manifest's name (never a path) and the split, e.g. <c>kaggle-gender (test)</c>.</param>
/// <param name="Metrics">n, accuracy, auc, logLoss, brier, ece and, when known, eceUncalibrated.</param>
/// <param name="Groups">Accuracy per group of each facet the data carries; empty when it carries none.</param>
public sealed record ModelCardEvaluation(string Source, IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<GroupBreakdown> Groups)
{
    /// <summary>The card's record of <paramref name="report"/> on the data named <paramref name="source"/> (a name, not a path).</summary>
    public static ModelCardEvaluation From(EvaluationReport report, string source)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metrics = Trainer.MetricsOf(report);
        if (report.UncalibratedExpectedCalibrationError is { } before) metrics["eceUncalibrated"] = before;
        return new ModelCardEvaluation(source, metrics, report.Groups);
    }
}
