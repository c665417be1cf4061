using System.Globalization;

namespace GenderML.Transfer;

/// <summary>
/// Label hygiene for <see cref="Classifiers.TransferRecipe.ExcludeSuspects"/>: the training rows whose label an
/// out-of-fold logistic model on the same features finds unlikely (<see cref="LabelScreening"/>'s screen) are dropped.
/// </summary>
internal static class SuspectExclusion
{
    /// <summary>
    /// The rows of the n × d matrix <paramref name="x"/> (and their labels) whose label gets an out-of-fold probability
    /// of at least <see cref="LabelScreeningOptions.Threshold"/>, and a note for the training summary.
    /// </summary>
    public static (float[] X, int[] Y, int N, string Note) Apply(float[] x, int[] y, int d, int seed, int threads, CancellationToken cancellation)
    {
        var options = new LabelScreeningOptions { Seed = seed, Threads = threads };
        if (Math.Min(y.Count(l => l == 0), y.Count(l => l == 1)) < 2 * options.Folds)
            return (x, y, y.Length, string.Create(CultureInfo.InvariantCulture,
                $"; suspects not screened (fewer than {2 * options.Folds} images of a class)"));
        double[] pMale = LabelScreening.OutOfFold(x, y, d, options, threads, cancellation);
        var keep = Enumerable.Range(0, y.Length).Where(i => (y[i] == 1 ? pMale[i] : 1 - pMale[i]) >= options.Threshold).ToArray();
        var kept = new float[keep.Length * d];
        for (int k = 0; k < keep.Length; k++) x.AsSpan(keep[k] * d, d).CopyTo(kept.AsSpan(k * d, d));
        int women = y.Count(l => l == 0) - keep.Count(i => y[i] == 0), men = y.Length - keep.Length - women;
        return (kept, [.. keep.Select(i => y[i])], keep.Length, string.Create(CultureInfo.InvariantCulture,
            $"; suspects excluded={y.Length - keep.Length} (labelled female {women}, male {men}; out-of-fold P(label) < {options.Threshold})"));
    }
}
