using System.Globalization;
using System.Text;

namespace GenderML.Evaluation;

/// <summary>
/// Per-class precision, recall, F1 and support with macro and weighted averages: the table of
/// scikit-learn's <c>classification_report</c>, which <see cref="ToString()"/> renders the same way.
/// </summary>
/// <param name="Female">Metrics with female as the class of interest.</param>
/// <param name="Male">Metrics with male as the class of interest.</param>
/// <param name="Accuracy">Correct predictions / all samples.</param>
public sealed record ClassificationReport(ClassMetrics Female, ClassMetrics Male, double Accuracy)
{
    /// <summary>Unweighted mean of the two classes' metrics.</summary>
    public ClassMetrics MacroAverage => new(
        (Female.Precision + Male.Precision) / 2, (Female.Recall + Male.Recall) / 2, (Female.F1 + Male.F1) / 2, Total);

    /// <summary>Mean of the two classes' metrics weighted by their support.</summary>
    public ClassMetrics WeightedAverage => Total == 0 ? new(0, 0, 0, 0) : new(
        Weighted(Female.Precision, Male.Precision), Weighted(Female.Recall, Male.Recall), Weighted(Female.F1, Male.F1), Total);

    /// <summary>All samples.</summary>
    public int Total => Female.Support + Male.Support;

    /// <summary>From a confusion matrix whose positive class is male.</summary>
    public static ClassificationReport From(ConfusionMatrix confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        var male = ClassMetrics.From(confusion.TruePositives, confusion.FalsePositives, confusion.FalseNegatives);
        var female = ClassMetrics.From(confusion.TrueNegatives, confusion.FalseNegatives, confusion.FalsePositives);
        return new ClassificationReport(female, male, confusion.Accuracy);
    }

    /// <summary>The report as scikit-learn's text, with two decimals.</summary>
    public override string ToString() => ToString(2);

    /// <summary>The report as scikit-learn's text, with <paramref name="digits"/> decimals.</summary>
    public string ToString(int digits)
    {
        const int width = 12; // len("weighted avg")
        var sb = new StringBuilder();
        sb.Append(' ', width).Append(' ');
        foreach (var h in new[] { "precision", "recall", "f1-score", "support" }) sb.Append(' ').Append(h.PadLeft(9));
        sb.Append("\n\n");
        Row(sb, "female", Female, digits);
        Row(sb, "male", Male, digits);
        sb.Append('\n');
        sb.Append("accuracy".PadLeft(width)).Append(' ').Append(' ', 20)
          .Append(' ').Append(Fixed(Accuracy, digits).PadLeft(9))
          .Append(' ').Append(Total.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
        Row(sb, "macro avg", MacroAverage, digits);
        Row(sb, "weighted avg", WeightedAverage, digits);
        return sb.ToString();
    }

    private double Weighted(double female, double male) => (female * Female.Support + male * Male.Support) / Total;

    private static void Row(StringBuilder sb, string name, ClassMetrics m, int digits)
    {
        sb.Append(name.PadLeft(12)).Append(' ');
        foreach (double v in new[] { m.Precision, m.Recall, m.F1 }) sb.Append(' ').Append(Fixed(v, digits).PadLeft(9));
        sb.Append(' ').Append(m.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
    }

    internal static string Fixed(double v, int digits) =>
        double.IsNaN(v) ? "nan" : v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
