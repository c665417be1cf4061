namespace GenderML.Evaluation;

/// <summary>
/// Everything measured on one labelled set, with male as the positive class; made by
/// <see cref="Evaluator.Evaluate(ReadOnlySpan{int}, ReadOnlySpan{double}, EvaluationOptions?)"/>.
/// </summary>
/// <remarks>
/// Metrics that are undefined on the data (ROC AUC and PR AUC when one class is absent) are NaN;
/// the JSON writer writes them as <c>null</c>.
/// </remarks>
public sealed record EvaluationReport
{
    /// <summary>Samples evaluated.</summary>
    public required int N { get; init; }

    /// <summary>The decision threshold: predicted male when P(male) &gt; threshold.</summary>
    public required double Threshold { get; init; }

    /// <summary>Correct predictions / <see cref="N"/>.</summary>
    public double Accuracy => Classification.Accuracy;

    /// <summary>Precision, recall, F1 and support per class, with macro and weighted averages.</summary>
    public required ClassificationReport Classification { get; init; }

    /// <summary>The confusion matrix, positive class male.</summary>
    public required ConfusionMatrix Confusion { get; init; }

    /// <summary>Area under the ROC curve (trapezoid over distinct scores, so ties count half); NaN with one class.</summary>
    public required double RocAuc { get; init; }

    /// <summary>The ROC curve points.</summary>
    public required RocCurve Roc { get; init; }

    /// <summary>Area under the precision–recall curve as average precision; NaN without male samples.</summary>
    public required double PrAuc { get; init; }

    /// <summary>Mean negative log-likelihood of the labels, P(male) clipped to [1e-15, 1 − 1e-15].</summary>
    public required double LogLoss { get; init; }

    /// <summary>Mean squared difference between P(male) and the label.</summary>
    public required double Brier { get; init; }

    /// <summary>Expected calibration error over <see cref="Calibration"/>: Σ (n_b / N) · |fraction male_b − mean P(male)_b|.</summary>
    public required double ExpectedCalibrationError { get; init; }

    /// <summary>The reliability diagram: 10 equal-width bins of P(male) by default.</summary>
    public required IReadOnlyList<CalibrationBin> Calibration { get; init; }

    /// <summary>
    /// The expected calibration error of the model's raw P(male), before its calibration; null when the model has none
    /// (or the scores were given directly).
    /// </summary>
    public double? UncalibratedExpectedCalibrationError { get; init; }

    /// <summary>Per-group figures of each facet the data carries (age band, ethnicity, …); empty when it carries none.</summary>
    public IReadOnlyList<GroupBreakdown> Groups { get; init; } = [];

    /// <summary>Accuracy when answering only the surest share of samples, at coverages from 100% down to 50%.</summary>
    public IReadOnlyList<CoveragePoint> Coverage { get; init; } = [];

    /// <summary>What <see cref="EvaluationOptions.Abstain"/>'s band did; null without a band.</summary>
    public Abstention? Abstention { get; init; }

    /// <summary>
    /// The prediction for every evaluated image, in dataset order, when the caller knows the files
    /// (<see cref="Evaluator.Evaluate(IGenderClassifier, Data.Dataset, ModelEvaluationOptions?, CancellationToken)"/> fills it); empty otherwise.
    /// </summary>
    public IReadOnlyList<SamplePrediction> Predictions { get; init; } = [];

    /// <summary>Files that could not be evaluated, and why.</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; init; } = [];
}
