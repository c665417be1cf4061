using System.Globalization;
using GenderML.Linear;

namespace GenderML.Transfer;

/// <summary>
/// The <see cref="Classifiers.TransferHead.Anchored"/> head: a logistic model on the standardised fusion features z
/// (face ResNet, Xception features, the shipped gender logit last) that starts at face-api's shipped gender head and is
/// pulled back toward it. The anchor is w₀ = std_logit·e_last, b₀ = mean_logit, so w₀·z + b₀ is the shipped logit
/// itself; the fit minimises
/// <c>(1/Σcᵢ)·Σᵢ cᵢ·CE(tᵢ, σ(w·zᵢ + b)) + (λ/2)·(‖w − w₀‖² + (b − b₀)²)</c> with soft targets
/// <c>tᵢ = (1 − α)·yᵢ + α·p₀ᵢ</c> (α: distillation toward the shipped head's P(male) p₀ᵢ) and per-image weights cᵢ.
/// λ → ∞ gives the shipped head back; λ → 0, α = 0 a plain logistic regression.
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
        int threads, CancellationToken cancellation)
    {
        var (w0, b0) = Anchor(mean, std);
        var t = Targets(z, y, d, mean, std, distillation);
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
    /// Fits each of <paramref name="penalties"/> in turn and keeps the one of lowest <paramref name="validationLoss"/>;
    /// without validation, the first.
    /// </summary>
    public static Heads.LogisticHead.Fitted FitBest(float[] z, int[] y, int d, float[] mean, float[] std, IReadOnlyList<double> penalties,
        double distillation, int threads, Func<LogisticModel, double>? validationLoss, CancellationToken cancellation)
    {
        Heads.LogisticHead.Fitted? best = null;
        foreach (double lambda in validationLoss is null ? penalties.Take(1) : penalties)
        {
            var model = Fit(z, y, null, d, mean, std, lambda, distillation, threads, cancellation);
            double loss = validationLoss?.Invoke(model) ?? 0;
            if (best is null || loss < best.ValidationLoss) best = new Heads.LogisticHead.Fitted(model, lambda, loss);
        }
        return best!;
    }

    /// <summary>The training targets (1 − α)·yᵢ + α·p₀ᵢ, p₀ᵢ the shipped head's P(male) read back from the last feature.</summary>
    public static double[] Targets(float[] z, int[] y, int d, float[] mean, float[] std, double distillation)
    {
        var t = new double[y.Length];
        for (int i = 0; i < t.Length; i++)
            t[i] = (1 - distillation) * y[i] + distillation * Sigmoid(z[i * d + d - 1] * std[^1] + mean[^1]);
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
