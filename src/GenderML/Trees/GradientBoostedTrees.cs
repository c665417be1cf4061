namespace GenderML.Trees;

/// <summary>
/// A fitted ensemble of regression trees for binary classification: P(positive | x) = σ(F₀ + Σₜ fₜ(x)).
/// Made by <see cref="GradientBoostingTrainer.Fit"/> or <see cref="Load"/>; immutable and safe to share across threads.
/// </summary>
internal sealed partial class GradientBoostedTrees
{
    private readonly RegressionTree[] _trees;
    private readonly double[] _gains;

    internal GradientBoostedTrees(int featureCount, double baseScore, RegressionTree[] trees, double[] gains)
    {
        FeatureCount = featureCount;
        BaseScore = baseScore;
        _trees = trees;
        _gains = gains;
    }

    /// <summary>Number of input features each row must have.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of trees (after early stopping, the best prefix).</summary>
    public int TreeCount => _trees.Length;

    /// <summary>F₀ = log(p / (1 − p)) for the positive rate p of the training labels.</summary>
    public double BaseScore { get; }

    internal IReadOnlyList<RegressionTree> Trees => _trees;

    /// <summary>The raw score F(x) = F₀ + Σₜ fₜ(x) (log-odds of the positive class).</summary>
    /// <exception cref="ArgumentException">The row's length is not <see cref="FeatureCount"/>, or it holds NaN or ±∞.</exception>
    public double PredictRaw(ReadOnlySpan<float> row)
    {
        CheckLength(row.Length);
        int bad = FeatureMatrix.FirstNonFinite(row);
        if (bad >= 0) throw new ArgumentException($"row: column {bad} is {row[bad]}; the model needs finite values.", nameof(row));
        double f = BaseScore;
        foreach (var tree in _trees) f += tree.Predict(row);
        return f;
    }

    /// <summary>The raw score F(x) for a row of byte features (pixels).</summary>
    /// <exception cref="ArgumentException">The row's length is not <see cref="FeatureCount"/>.</exception>
    public double PredictRaw(ReadOnlySpan<byte> row)
    {
        CheckLength(row.Length);
        double f = BaseScore;
        foreach (var tree in _trees) f += tree.Predict(row);
        return f;
    }

    /// <summary>P(positive | row) = σ(F(row)).</summary>
    /// <exception cref="ArgumentException">The row's length is not <see cref="FeatureCount"/>, or it holds NaN or ±∞.</exception>
    public float PredictProbability(ReadOnlySpan<float> row) => Sigmoid(PredictRaw(row));

    /// <summary>P(positive | row) = σ(F(row)) for a row of byte features (pixels).</summary>
    /// <exception cref="ArgumentException">The row's length is not <see cref="FeatureCount"/>.</exception>
    public float PredictProbability(ReadOnlySpan<byte> row) => Sigmoid(PredictRaw(row));

    /// <summary>P(positive | row) for every row of <paramref name="features"/>.</summary>
    /// <exception cref="ArgumentException">The matrix does not have <see cref="FeatureCount"/> columns.</exception>
    public float[] PredictProbabilities(FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        CheckLength(features.Columns);
        var result = new float[features.Rows];
        int d = features.Columns;
        for (int i = 0; i < result.Length; i++)
            result[i] = features.Bytes is { } b
                ? PredictProbability(b.AsSpan(i * d, d))
                : PredictProbability(features.Floats.AsSpan(i * d, d));
        return result;
    }

    /// <summary>
    /// Gain-based importance: for each feature, the summed loss reduction of every split on it, divided by the
    /// total over all features (all zeros when the model has no splits).
    /// </summary>
    public float[] FeatureImportance()
    {
        double total = _gains.Sum();
        var result = new float[FeatureCount];
        if (total > 0)
            for (int f = 0; f < result.Length; f++) result[f] = (float)(_gains[f] / total);
        return result;
    }

    /// <summary>
    /// Feature importance of a pixel model laid out as a <paramref name="width"/> × <paramref name="height"/> map,
    /// scaled so the largest value is 1. Features must be pixels row by row with 1 (gray) or 3 (RGB, interleaved)
    /// channels; the channels of a pixel are summed.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="FeatureCount"/> is not width × height × 1 or 3.</exception>
    public float[] ImportanceMap(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        long pixels = (long)width * height;
        int channels = pixels == FeatureCount ? 1 : pixels * 3 == FeatureCount ? 3
            : throw new ArgumentException($"importance map: the model has {FeatureCount} features, not {width}×{height} gray or RGB pixels.", nameof(width));
        var importance = FeatureImportance();
        var map = new float[pixels];
        for (int f = 0; f < importance.Length; f++) map[f / channels] += importance[f];
        float max = map.Max();
        if (max > 0)
            for (int i = 0; i < map.Length; i++) map[i] /= max;
        return map;
    }

    private void CheckLength(int length)
    {
        if (length != FeatureCount)
            throw new ArgumentException($"row: {length} features, but the model was trained on {FeatureCount}.");
    }

    private static float Sigmoid(double f) => (float)(1 / (1 + Math.Exp(-f)));
}
