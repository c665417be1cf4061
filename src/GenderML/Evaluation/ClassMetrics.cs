namespace GenderML.Evaluation;

/// <summary>Precision, recall, F1 and support of one class (or an average over classes).</summary>
/// <param name="Precision">Correct predictions of the class / predictions of the class (0 when it is never predicted, as scikit-learn).</param>
/// <param name="Recall">Correct predictions of the class / samples of the class (0 when it has no sample).</param>
/// <param name="F1">2·P·R / (P + R), 0 when P + R = 0.</param>
/// <param name="Support">Samples of the class (for an average: all samples).</param>
public sealed record ClassMetrics(double Precision, double Recall, double F1, int Support)
{
    /// <summary>The metrics of the class whose correct predictions are <paramref name="truePositives"/>.</summary>
    internal static ClassMetrics From(int truePositives, int falsePositives, int falseNegatives)
    {
        double precision = Ratio(truePositives, truePositives + falsePositives);
        double recall = Ratio(truePositives, truePositives + falseNegatives);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassMetrics(precision, recall, f1, truePositives + falseNegatives);
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
