namespace GenderML.Evaluation;

/// <summary>
/// Points of the ROC curve, one per distinct score from the highest, after a first point (0, 0) at
/// threshold +∞: point k is the false- and true-positive rate when predicting male for score ≥ Thresholds[k].
/// </summary>
/// <param name="FalsePositiveRate">FP / (FP + TN) at each threshold (NaN when there is no female sample).</param>
/// <param name="TruePositiveRate">TP / (TP + FN) at each threshold (NaN when there is no male sample).</param>
/// <param name="Thresholds">Decreasing score thresholds; the first is +∞.</param>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds);
