namespace GenderML.Evaluation;

/// <summary>The front door of evaluation: labels and P(male) scores in, an <see cref="EvaluationReport"/> out.</summary>
public static partial class Evaluator
{
    /// <summary>
    /// Measures scores against labels (0 = female, 1 = male; positive class male): accuracy, the
    /// classification report, confusion matrix, ROC AUC and curve, PR AUC, log-loss, Brier score,
    /// calibration, accuracy at each coverage, per-group figures when <see cref="EvaluationOptions.Groups"/> is set and
    /// the abstain band's when <see cref="EvaluationOptions.Abstain"/> is.
    /// </summary>
    /// <exception cref="ArgumentException">No samples, lengths differ, a label other than 0/1, or a score outside [0, 1] or NaN.</exception>
    public static EvaluationReport Evaluate(ReadOnlySpan<int> labels, ReadOnlySpan<double> pMale, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        Validate(labels, pMale, options);
        var confusion = BinaryMetrics.Confusion(labels, pMale, options.Threshold);
        var roc = BinaryMetrics.Roc(labels, pMale);
        var bins = BinaryMetrics.Calibration(labels, pMale, options.CalibrationBins);
        return new EvaluationReport
        {
            N = labels.Length,
            Threshold = options.Threshold,
            Classification = ClassificationReport.From(confusion),
            Confusion = confusion,
            RocAuc = BinaryMetrics.RocAuc(roc),
            Roc = roc,
            PrAuc = BinaryMetrics.AveragePrecision(labels, pMale),
            LogLoss = BinaryMetrics.LogLoss(labels, pMale),
            Brier = BinaryMetrics.Brier(labels, pMale),
            Calibration = bins,
            ExpectedCalibrationError = BinaryMetrics.ExpectedCalibrationError(bins, labels.Length),
            Groups = GroupBreakdowns(labels, pMale, options),
            Coverage = CoverageCurve(labels, pMale, options.Threshold),
            Abstention = options.Abstain is { } band ? AbstentionOf(labels, pMale, band, options.Threshold) : null,
            Skipped = options.Skipped,
        };
    }

    /// <summary>As <see cref="Evaluate(ReadOnlySpan{int}, ReadOnlySpan{double}, EvaluationOptions?)"/>, for float scores.</summary>
    public static EvaluationReport Evaluate(ReadOnlySpan<int> labels, ReadOnlySpan<float> pMale, EvaluationOptions? options = null)
    {
        var scores = new double[pMale.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = pMale[i];
        return Evaluate(labels, scores, options);
    }

    private static GroupBreakdown[] GroupBreakdowns(ReadOnlySpan<int> labels, ReadOnlySpan<double> pMale, EvaluationOptions options)
    {
        if (options.Groups is null) return [];
        var result = new GroupBreakdown[options.Groups.Count];
        for (int f = 0; f < result.Length; f++) result[f] = Breakdown(labels, pMale, options.Groups[f], options);
        return result;
    }

    private static void Validate(ReadOnlySpan<int> labels, ReadOnlySpan<double> pMale, EvaluationOptions options)
    {
        if (labels.Length == 0) throw new ArgumentException("nothing to evaluate: no samples", nameof(labels));
        if (labels.Length != pMale.Length)
            throw new ArgumentException($"{labels.Length} labels but {pMale.Length} scores: give one P(male) per label", nameof(pMale));
        foreach (var facet in options.Groups ?? [])
        {
            if (facet.Keys.Count != labels.Length)
                throw new ArgumentException($"{labels.Length} labels but {facet.Keys.Count} group keys of '{facet.Facet}': give one group per sample", nameof(options));
            for (int i = 0; i < facet.Keys.Count; i++)
                if (facet.Keys[i] is null) throw new ArgumentException($"group key {i} of '{facet.Facet}' is null", nameof(options));
        }
        if (options.CalibrationBins < 1) throw new ArgumentException($"calibration bins must be ≥ 1, got {options.CalibrationBins}", nameof(options));
        if (!(options.Threshold >= 0 && options.Threshold <= 1)) throw new ArgumentException($"threshold must be in [0, 1], got {options.Threshold}", nameof(options));
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not (0 or 1))
                throw new ArgumentException($"label {i} is {labels[i]}: labels are 0 (female) or 1 (male)", nameof(labels));
            if (!(pMale[i] >= 0 && pMale[i] <= 1))
                throw new ArgumentException($"score {i} is {pMale[i]}: P(male) must be a probability in [0, 1]", nameof(pMale));
        }
    }
}
