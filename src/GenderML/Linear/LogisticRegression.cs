namespace GenderML.Linear;

/// <summary>
/// Binary logistic regression fitted by L-BFGS to the minimum of the convex objective
/// C·Σᵢ cᵢ·logloss(yᵢ, σ(xᵢ·w + b)) + ½‖w‖² (scikit-learn's <c>LogisticRegression(solver="lbfgs")</c>):
/// the answer depends only on the data, C and the class weights, never on a learning rate.
/// </summary>
internal static class LogisticRegression
{
    /// <summary>Fits on the row-major n × d matrix <paramref name="features"/> and labels 0/1.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, a label is not 0/1, or a setting is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired.</exception>
    public static LogisticModel Fit(ReadOnlyMemory<float> features, int n, int d, ReadOnlySpan<int> labels,
        LogisticRegressionOptions? options = null, IProgress<LogisticRegressionProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        options ??= new LogisticRegressionOptions();
        Validate(features, n, d, labels, options);
        var loss = new LogisticLoss(features, n, d, labels, options.C, options.NegativeClassWeight, options.PositiveClassWeight,
            options.FitIntercept, LogisticLoss.ThreadsOf(options.Compute));
        var lbfgs = new LbfgsOptions
        {
            MaxIterations = options.MaxIterations,
            GradientTolerance = options.Tolerance,
            RelativeTolerance = options.RelativeTolerance,
        };
        Action<LbfgsProgress>? report = progress is null ? null : p => progress.Report(new(p.Iteration, p.Value, p.GradientMaxAbs));
        var result = Lbfgs.Minimize(loss.Evaluate, new double[loss.Dimension], lbfgs, report, cancellation);
        var w = new float[d];
        for (int j = 0; j < d; j++) w[j] = (float)result.X[j];
        bool converged = result.Stop is LbfgsStop.GradientTolerance or LbfgsStop.RelativeDecrease or LbfgsStop.LineSearchFailed;
        return new LogisticModel(w, options.FitIntercept ? result.X[d] : 0)
        {
            Fit = new LogisticFitSummary(result.Iterations, result.Evaluations, result.Value, result.GradientMaxAbs, converged, Describe(result.Stop)),
        };
    }

    private static string Describe(LbfgsStop stop) => stop switch
    {
        LbfgsStop.GradientTolerance => "gradient below tolerance",
        LbfgsStop.RelativeDecrease => "relative decrease below tolerance",
        LbfgsStop.MaxIterations => "iteration limit reached before convergence",
        _ => "no further decrease possible at float precision",
    };

    private static void Validate(ReadOnlyMemory<float> features, int n, int d, ReadOnlySpan<int> labels, LogisticRegressionOptions o)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(d);
        if (features.Length != (long)n * d)
            throw new ArgumentException($"{n} × {d} features need {(long)n * d} values, got {features.Length}", nameof(features));
        if (labels.Length != n) throw new ArgumentException($"{n} rows but {labels.Length} labels", nameof(labels));
        foreach (int y in labels)
            if (y is not (0 or 1)) throw new ArgumentException($"label {y}: labels are 0 or 1", nameof(labels));
        if (!(o.C > 0) || double.IsInfinity(o.C)) throw new ArgumentException($"C must be positive and finite, got {o.C}", nameof(o));
        if (o.MaxIterations < 0) throw new ArgumentException($"MaxIterations must be ≥ 0, got {o.MaxIterations}", nameof(o));
        if (!(o.NegativeClassWeight > 0 && o.PositiveClassWeight > 0))
            throw new ArgumentException("class weights must be positive", nameof(o));
    }
}
