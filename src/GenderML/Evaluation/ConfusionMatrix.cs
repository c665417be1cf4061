namespace GenderML.Evaluation;

/// <summary>
/// The 2 × 2 confusion matrix with the positive class "male": a true positive is a male face predicted
/// male, a false positive a female face predicted male.
/// </summary>
/// <param name="TruePositives">Male, predicted male.</param>
/// <param name="TrueNegatives">Female, predicted female.</param>
/// <param name="FalsePositives">Female, predicted male.</param>
/// <param name="FalseNegatives">Male, predicted female.</param>
public sealed record ConfusionMatrix(int TruePositives, int TrueNegatives, int FalsePositives, int FalseNegatives)
{
    /// <summary>TP + TN + FP + FN.</summary>
    public int Total => TruePositives + TrueNegatives + FalsePositives + FalseNegatives;

    /// <summary>(TP + TN) / total; NaN when empty.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)(TruePositives + TrueNegatives) / Total;
}
