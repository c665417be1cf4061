namespace GenderML.Evaluation;

/// <summary>
/// The metric computations on labels (0 = negative, 1 = positive) and positive-class scores.
/// Inputs are trusted here: <see cref="Evaluator"/> validates them.
/// </summary>
internal static class BinaryMetrics
{
    /// <summary>The clip applied to probabilities before the logarithm (scikit-learn's default).</summary>
    internal const double LogLossEpsilon = 1e-15;

    /// <summary>Counts of the confusion matrix: predicted positive when <c>score &gt; threshold</c>.</summary>
    internal static ConfusionMatrix Confusion(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores, double threshold)
    {
        int tp = 0, tn = 0, fp = 0, fn = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            bool predicted = scores[i] > threshold;
            if (labels[i] == 1) { if (predicted) tp++; else fn++; }
            else { if (predicted) fp++; else tn++; }
        }
        return new ConfusionMatrix(tp, tn, fp, fn);
    }

    /// <summary>
    /// Cumulative true and false positives at each distinct score, highest first
    /// (scikit-learn's <c>_binary_clf_curve</c>): entry k counts every sample with score ≥ thresholds[k].
    /// </summary>
    internal static (double[] Tps, double[] Fps, double[] Thresholds) ClfCurve(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        int n = labels.Length;
        var order = new int[n];
        var keys = new double[n];
        for (int i = 0; i < n; i++) { order[i] = i; keys[i] = -scores[i]; }
        Array.Sort(keys, order);
        var tps = new List<double>();
        var fps = new List<double>();
        var thresholds = new List<double>();
        double tp = 0, fp = 0;
        for (int k = 0; k < n; k++)
        {
            int i = order[k];
            if (labels[i] == 1) tp++; else fp++;
            if (k == n - 1 || scores[order[k + 1]] != scores[i])
            {
                tps.Add(tp);
                fps.Add(fp);
                thresholds.Add(scores[i]);
            }
        }
        return (tps.ToArray(), fps.ToArray(), thresholds.ToArray());
    }

    /// <summary>
    /// The ROC curve through every distinct threshold, starting at (0, 0) with threshold +∞
    /// (scikit-learn's <c>roc_curve(drop_intermediate=False)</c>); NaN rates when a class is absent.
    /// </summary>
    internal static RocCurve Roc(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        var (tps, fps, thr) = ClfCurve(labels, scores);
        int m = tps.Length + 1;
        var fpr = new double[m];
        var tpr = new double[m];
        var thresholds = new double[m];
        thresholds[0] = double.PositiveInfinity;
        double p = tps.Length > 0 ? tps[^1] : 0, f = fps.Length > 0 ? fps[^1] : 0;
        fpr[0] = f > 0 ? 0 : double.NaN;
        tpr[0] = p > 0 ? 0 : double.NaN;
        for (int k = 0; k < tps.Length; k++)
        {
            fpr[k + 1] = f > 0 ? fps[k] / f : double.NaN;
            tpr[k + 1] = p > 0 ? tps[k] / p : double.NaN;
            thresholds[k + 1] = thr[k];
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    /// <summary>Area under the ROC curve by the trapezoid rule over distinct thresholds; NaN when a class is absent.</summary>
    internal static double RocAuc(RocCurve roc)
    {
        if (roc.FalsePositiveRate.Length == 0 || double.IsNaN(roc.FalsePositiveRate[^1]) || double.IsNaN(roc.TruePositiveRate[^1]))
            return double.NaN;
        return Trapezoid(roc.FalsePositiveRate, roc.TruePositiveRate);
    }

    /// <summary>Σ (x[i] − x[i−1]) · (y[i] + y[i−1]) / 2.</summary>
    internal static double Trapezoid(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double area = 0;
        for (int i = 1; i < x.Length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return area;
    }

    /// <summary>
    /// Average precision, Σₖ (Rₖ − Rₖ₋₁) · Pₖ over distinct thresholds from the highest, R₋₁ = 0
    /// (scikit-learn's <c>average_precision_score</c>); NaN when there is no positive sample.
    /// </summary>
    internal static double AveragePrecision(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        var (tps, fps, _) = ClfCurve(labels, scores);
        if (tps.Length == 0 || tps[^1] == 0) return double.NaN;
        double positives = tps[^1], ap = 0, previousRecall = 0;
        for (int k = 0; k < tps.Length; k++)
        {
            double recall = tps[k] / positives;
            double precision = tps[k] / (tps[k] + fps[k]);
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return ap;
    }

    /// <summary>Mean of −[y·ln p + (1 − y)·ln(1 − p)] with p clipped to [ε, 1 − ε], ε = 1e-15.</summary>
    internal static double LogLoss(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double p = Math.Clamp(scores[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / labels.Length;
    }

    /// <summary>Brier score: mean of (p − y)².</summary>
    internal static double Brier(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double d = scores[i] - labels[i];
            sum += d * d;
        }
        return sum / labels.Length;
    }

    /// <summary>
    /// Reliability bins of the positive-class score: <paramref name="binCount"/> equal-width bins whose
    /// inner edges are k/binCount, each bin (lower, upper] except the first, which also holds 0
    /// (scikit-learn's <c>calibration_curve(strategy="uniform")</c> binning). Empty bins are kept, with NaN means.
    /// </summary>
    internal static CalibrationBin[] Calibration(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores, int binCount)
    {
        double step = 1.0 / binCount;
        var count = new int[binCount];
        var sumScore = new double[binCount];
        var sumLabel = new double[binCount];
        for (int i = 0; i < labels.Length; i++)
        {
            int b = 0;
            while (b < binCount - 1 && (b + 1) * step < scores[i]) b++;
            count[b]++;
            sumScore[b] += scores[i];
            sumLabel[b] += labels[i];
        }
        var bins = new CalibrationBin[binCount];
        for (int b = 0; b < binCount; b++)
        {
            bins[b] = new CalibrationBin(b * step, b == binCount - 1 ? 1.0 : (b + 1) * step, count[b],
                count[b] > 0 ? sumScore[b] / count[b] : double.NaN,
                count[b] > 0 ? sumLabel[b] / count[b] : double.NaN);
        }
        return bins;
    }

    /// <summary>Expected calibration error: Σ_b (n_b / N) · |mean label_b − mean score_b| over non-empty bins.</summary>
    internal static double ExpectedCalibrationError(IReadOnlyList<CalibrationBin> bins, int n)
    {
        double ece = 0;
        foreach (var bin in bins)
            if (bin.Count > 0) ece += (double)bin.Count / n * Math.Abs(bin.FractionPositive - bin.MeanScore);
        return ece;
    }
}
