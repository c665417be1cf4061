using System.Globalization;
using GenderML.Linear;

namespace GenderML.Transfer;

/// <summary>
/// The <see cref="Classifiers.TransferHead.Anchored"/> head: a logistic model on the standardised fusion features z
/// (face ResNet, Xception features, the shipped gender logit last) that starts at face-api's shipped gender head and is
/// pulled back toward it. The anchor is w₀ = std_logit·e_last, b₀ = mean_logit, so w₀·z + b₀ is the shipped logit
/// itself; the fit minimises
/// <c>(1/Σcᵢ)·Σᵢ cᵢ·CE(tᵢ, σ(w·zᵢ + b)) + (λ/2)·(‖w − w₀‖² + (b − b₀)²)</c> with soft targets
/// <c>tᵢ = (1 − α)·yᵢ + α·p₀ᵢ</c> (α: distillation toward the shipped head's P(male) p₀ᵢ = σ(k·sᵢ), its logit sᵢ scaled by
/// the temperature k fitted to the training labels, so that the teacher speaks on the data's scale) and per-image
/// weights cᵢ. λ → ∞ gives the shipped head back; λ → 0, α = 0 a plain logistic regression.
/// </summary>
internal static class AnchoredHead
{
    /// <summary>The anchor: the weights and intercept on standardised features that reproduce the last feature (the logit).</summary>
    public static (double[] W, double B) Anchor(float[] mean, float[] std)
    {
        var w = new double[mean.Length];
        w[^1] = std[^1];
        return (w, mean[^1]);
    }

    /// <summary>
    /// Fits one λ on the row-major standardised n × d matrix <paramref name="z"/> with labels <paramref name="y"/> and
    /// weights <paramref name="weights"/> (null: all 1); the shipped head's P(male) of each row is read back from its
    /// last feature.
    /// </summary>
    public static LogisticModel Fit(float[] z, int[] y, double[]? weights, int d, float[] mean, float[] std, double lambda, double distillation,
        int threads, CancellationToken cancellation, double teacherScale = 1)
    {
        var (w0, b0) = Anchor(mean, std);
        var t = Targets(z, y, d, mean, std, distillation, teacherScale);
        var start = new double[d + 1];
        w0.CopyTo(start, 0);
        start[d] = b0;
        var result = Lbfgs.Minimize(Loss(z, t, weights, d, w0, b0, lambda, threads, cancellation), start,
            new LbfgsOptions { MaxIterations = 500, GradientTolerance = 1e-5 }, null, cancellation);
        var w = new float[d];
        for (int j = 0; j < d; j++) w[j] = (float)result.X[j];
        return new LogisticModel(w, result.X[d])
        {
            Fit = new LogisticFitSummary(result.Iterations, result.Evaluations, result.Value, result.GradientMaxAbs,
                result.Stop is not LbfgsStop.MaxIterations, result.Stop.ToString()),
        };
    }

    /// <summary>
    /// Fits every pair of <paramref name="penalties"/> × <paramref name="distillations"/> and keeps the one of lowest
    /// <paramref name="validation"/> score, compared as (worst group's loss to the shipped head, then log-loss); without
    /// validation, the first pair. The teacher's temperature is fitted once to the training labels (<see cref="TeacherScale"/>).
    /// </summary>
    public static Selection FitBest(float[] z, int[] y, int d, float[] mean, float[] std, IReadOnlyList<double> penalties,
        IReadOnlyList<double> distillations, int threads, Func<LogisticModel, (double GroupLoss, double LogLoss)>? validation,
        CancellationToken cancellation)
    {
        double k = distillations.Any(a => a > 0) ? TeacherScale(z, y, d, mean, std) : 1;
        Selection? best = null;
        foreach (double alpha in validation is null ? distillations.Take(1) : distillations)
            foreach (double lambda in validation is null ? penalties.Take(1) : penalties)
            {
                var model = Fit(z, y, null, d, mean, std, lambda, alpha, threads, cancellation, k);
                var (groupLoss, logLoss) = validation?.Invoke(model) ?? (0, 0);
                if (best is null || groupLoss < best.GroupLoss || (groupLoss == best.GroupLoss && logLoss < best.LogLoss))
                    best = new Selection(model, lambda, alpha, k, groupLoss, logLoss);
            }
        return best!;
    }

    /// <summary>The pair <see cref="FitBest"/> kept, with its validation scores and the teacher's scale k.</summary>
    public sealed record Selection(LogisticModel Model, double Penalty, double Distillation, double TeacherScale, double GroupLoss, double LogLoss);

    /// <summary>
    /// The scale k (1 / temperature) that makes σ(k·s) of the shipped logit s (the last feature) fit the labels
    /// <paramref name="y"/> best in log-loss: the shipped net is under-confident on face crops like these, and distilling
    /// toward its raw probabilities would make the head so too.
    /// </summary>
    public static double TeacherScale(float[] z, int[] y, int d, float[] mean, float[] std)
    {
        var p = new float[y.Length];
        for (int i = 0; i < p.Length; i++) p[i] = (float)Sigmoid(z[i * d + d - 1] * std[^1] + mean[^1]);
        return Training.CalibrationFit.Fit(CalibrationMethod.Temperature, y, p, "training").Scale;
    }

    /// <summary>
    /// The training targets (1 − α)·yᵢ + α·p₀ᵢ, p₀ᵢ = σ(k·sᵢ) the shipped head's P(male) at scale k
    /// (<paramref name="teacherScale"/>), its logit sᵢ read back from the last feature.
    /// </summary>
    public static double[] Targets(float[] z, int[] y, int d, float[] mean, float[] std, double distillation, double teacherScale = 1)
    {
        var t = new double[y.Length];
        for (int i = 0; i < t.Length; i++)
            t[i] = (1 - distillation) * y[i] + distillation * Sigmoid(teacherScale * (z[i * d + d - 1] * std[^1] + mean[^1]));
        return t;
    }

    /// <summary>
    /// The objective over x = (w, b): <c>(1/Σcᵢ)·Σᵢ cᵢ·CE(tᵢ, σ(w·zᵢ + b)) + (λ/2)·(‖w − w₀‖² + (b − b₀)²)</c> and its
    /// gradient, the rows split over <paramref name="threads"/>.
    /// </summary>
    public static Objective Loss(float[] z, double[] t, double[]? weights, int d, double[] w0, double b0, double lambda, int threads,
        CancellationToken cancellation = default)
    {
        int n = t.Length;
        double total = weights?.Sum() ?? n;
        int blocks = Math.Max(1, Math.Min(threads, n / 1024 + 1));
        var wf = new float[d];
        var partial = new double[blocks][];
        for (int k = 0; k < blocks; k++) partial[k] = new double[d + 2];
        return (x, gradient) =>
        {
            cancellation.ThrowIfCancellationRequested();
            for (int j = 0; j < d; j++) wf[j] = (float)x[j];
            double b = x[d];
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks }, k =>
            {
                var acc = partial[k];
                Array.Clear(acc);
                int from = (int)((long)n * k / blocks), to = (int)((long)n * (k + 1) / blocks);
                for (int i = from; i < to; i++)
                {
                    var row = z.AsSpan(i * d, d);
                    double s = LinearKernels.Dot(row, wf) + b, c = weights?[i] ?? 1;
                    // CE(t, σ(s)) = softplus(s) − t·s, written stably.
                    acc[d + 1] += c * (Math.Max(s, 0) + Math.Log(1 + Math.Exp(-Math.Abs(s))) - t[i] * s);
                    double r = c * (Sigmoid(s) - t[i]);
                    acc[d] += r;
                    for (int j = 0; j < d; j++) acc[j] += r * row[j];
                }
            });
            double value = 0;
            gradient[..(d + 1)].Clear();
            foreach (var acc in partial)
            {
                value += acc[d + 1];
                for (int j = 0; j <= d; j++) gradient[j] += acc[j];
            }
            value /= total;
            for (int j = 0; j <= d; j++) gradient[j] /= total;
            for (int j = 0; j <= d; j++)
            {
                double u = x[j] - (j < d ? w0[j] : b0);
                value += lambda / 2 * u * u;
                gradient[j] += lambda * u;
            }
            return value;
        };
    }

    /// <summary>
    /// How much the worst group of the validation rows loses to the shipped head: over the groups of label × estimated-age
    /// band (<see cref="Evaluation.EstimatedAgeGroups.Band"/> of <paramref name="ages"/>, the shipped net's estimates), the
    /// largest (shipped head's accuracy − the model's) in the group, 0 when no group loses; rows are the standardised n × d
    /// <paramref name="z"/> with labels <paramref name="y"/>.
    /// </summary>
    public static double WorstGroupLoss(LogisticModel model, float[] z, int[] y, float[] ages, int d, float[] mean, float[] std)
    {
        var tally = new Dictionary<(int, string), (int N, int Balance)>();
        for (int i = 0; i < y.Length; i++)
        {
            var row = z.AsSpan(i * d, d);
            bool shipped = (row[^1] * std[^1] + mean[^1] > 0 ? 1 : 0) == y[i], ours = (model.PredictProbability(row) > 0.5 ? 1 : 0) == y[i];
            var key = (y[i], Evaluation.EstimatedAgeGroups.Band(ages[i]));
            var (n, balance) = tally.GetValueOrDefault(key);
            tally[key] = (n + 1, balance + (shipped ? 1 : 0) - (ours ? 1 : 0));
        }
        return Math.Max(0, tally.Values.Select(t => (double)t.Balance / t.N).DefaultIfEmpty(0).Max());
    }

    /// <summary>The distance from the anchor, ‖(w, b) − (w₀, b₀)‖, for the training notes.</summary>
    public static string Distance(LogisticModel model, float[] mean, float[] std)
    {
        var (w0, b0) = Anchor(mean, std);
        double sq = (model.Intercept - b0) * (model.Intercept - b0);
        for (int j = 0; j < w0.Length; j++) sq += (model.Weights[j] - w0[j]) * (model.Weights[j] - w0[j]);
        return Math.Sqrt(sq).ToString("0.###", CultureInfo.InvariantCulture);
    }

    internal static double Sigmoid(double s) => s >= 0 ? 1 / (1 + Math.Exp(-s)) : Math.Exp(s) / (1 + Math.Exp(s));
}
