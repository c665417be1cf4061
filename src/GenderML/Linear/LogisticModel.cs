namespace GenderML.Linear;

/// <summary>A fitted binary logistic regression: P(label 1 | x) = σ(w·x + b).</summary>
internal sealed class LogisticModel
{
    private readonly float[] _weights;

    /// <summary>Wraps fitted weights (copied) and intercept.</summary>
    public LogisticModel(ReadOnlySpan<float> weights, double intercept)
    {
        _weights = weights.ToArray();
        Intercept = intercept;
    }

    /// <summary>w, one per feature.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>b.</summary>
    public double Intercept { get; }

    /// <summary>Number of features.</summary>
    public int Features => _weights.Length;

    /// <summary>How the fit ended (null for a model built from saved weights).</summary>
    public LogisticFitSummary? Fit { get; init; }

    /// <summary>w·x + b.</summary>
    /// <exception cref="ArgumentException">x does not have <see cref="Features"/> values.</exception>
    public double DecisionFunction(ReadOnlySpan<float> x)
    {
        if (x.Length != _weights.Length)
            throw new ArgumentException($"the model takes {_weights.Length} features, got {x.Length}", nameof(x));
        return LinearKernels.Dot(x, _weights) + Intercept;
    }

    /// <summary>σ(w·x + b): the probability of label 1.</summary>
    public double PredictProbability(ReadOnlySpan<float> x) => LogisticLoss.Sigmoid(DecisionFunction(x));

    /// <summary>P(label 1) for each row of a row-major n × <see cref="Features"/> matrix.</summary>
    public double[] PredictProbabilities(ReadOnlySpan<float> rows)
    {
        if (_weights.Length == 0 || rows.Length % _weights.Length != 0)
            throw new ArgumentException($"{rows.Length} values is not a whole number of rows of {_weights.Length} features", nameof(rows));
        var p = new double[rows.Length / _weights.Length];
        for (int i = 0; i < p.Length; i++) p[i] = PredictProbability(rows.Slice(i * _weights.Length, _weights.Length));
        return p;
    }
}
