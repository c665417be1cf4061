using GenderML.Linear;

namespace GenderML.Heads;

/// <summary>
/// The logistic head on a feature matrix, whatever produced it (pixels / 255, standardised embeddings of a frozen network,
/// the pooled features of a pretrained stage): L2 logistic regression fitted by L-BFGS for each C in turn, keeping the C
/// of lowest validation loss; without validation, the one C in the middle of the list.
/// </summary>
internal static class LogisticHead
{
    /// <summary>The fitted model, its C, and its validation loss (0 without validation).</summary>
    public sealed record Fitted(LogisticModel Model, double C, double ValidationLoss);

    /// <summary>
    /// Fits the n × d row-major <paramref name="x"/> against <paramref name="y"/> (0/1) with <paramref name="options"/>
    /// for each of <paramref name="cValues"/> (<see cref="LogisticRegressionOptions.C"/> replaced), scoring each fit with
    /// <paramref name="validationLoss"/>; the first of equal losses wins.
    /// </summary>
    public static Fitted Fit(float[] x, int n, int d, int[] y, IReadOnlyList<double> cValues, LogisticRegressionOptions options,
        Func<LogisticModel, double>? validationLoss, IProgress<LogisticRegressionProgress>? progress, CancellationToken cancellation)
    {
        Fitted? best = null;
        IReadOnlyList<double> cs = validationLoss is not null ? cValues : [cValues[cValues.Count / 2]];
        foreach (double c in cs)
        {
            var model = LogisticRegression.Fit(x, n, d, y, options with { C = c }, progress, cancellation);
            double loss = validationLoss?.Invoke(model) ?? 0;
            if (best is null || loss < best.ValidationLoss) best = new Fitted(model, c, loss);
        }
        return best!;
    }

    /// <summary>The mean log-loss of <paramref name="model"/> on the rows of <paramref name="x"/> (d features each), probabilities clamped to [1e-12, 1 − 1e-12].</summary>
    public static double LogLoss(LogisticModel model, float[] x, int[] y, int d)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double p = Math.Clamp(model.PredictProbability(x.AsSpan(i * d, d)), 1e-12, 1 - 1e-12);
            sum -= y[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / y.Length;
    }
}
