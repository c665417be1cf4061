namespace GenderML.Trees;

/// <summary>
/// Fits gradient-boosted decision trees for binary classification (log-loss), histogram-based and grown
/// best-first, in the manner of LightGBM, ML.NET FastTree and scikit-learn's HistGradientBoostingClassifier.
/// </summary>
/// <remarks>
/// The model's raw score is F(x) = F₀ + Σₜ fₜ(x), with F₀ = log(p / (1 − p)) for the positive rate p and
/// P(positive | x) = σ(F(x)). Round t fits tree fₜ to the gradients gᵢ = σ(F(xᵢ)) − yᵢ and hessians
/// hᵢ = σ(F(xᵢ))(1 − σ(F(xᵢ))) of the log-loss: a split's gain is ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]
/// and a leaf's value is the Newton step −G/(H+λ) times the learning rate. Features are binned once into
/// at most <see cref="GradientBoostingOptions.MaxBins"/> quantile bins. The result is bit-identical for a
/// given seed on any number of threads.
/// </remarks>
internal static class GradientBoostingTrainer
{
    /// <summary>
    /// Fits a model to <paramref name="features"/> and <paramref name="labels"/> (true = the positive class).
    /// With a validation set, reports its log-loss after each tree and, unless
    /// <see cref="GradientBoostingOptions.EarlyStoppingRounds"/> is 0, stops early and keeps the best prefix of trees.
    /// </summary>
    /// <exception cref="ArgumentException">Mismatched sizes, or the labels hold only one class.</exception>
    public static GradientBoostedTrees Fit(
        FeatureMatrix features, bool[] labels, GradientBoostingOptions? options = null,
        FeatureMatrix? validationFeatures = null, bool[]? validationLabels = null,
        IProgress<GradientBoostingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new GradientBoostingOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        CheckLabels(features, labels, "labels");
        if (validationFeatures is null != validationLabels is null)
            throw new ArgumentException("validation: give both validationFeatures and validationLabels, or neither.", nameof(validationFeatures));
        if (validationFeatures is not null)
        {
            if (validationFeatures.Columns != features.Columns)
                throw new ArgumentException($"validation: {validationFeatures.Columns} columns, but the training features have {features.Columns}.", nameof(validationFeatures));
            if (validationFeatures.Rows != validationLabels!.Length)
                throw new ArgumentException($"validation: {validationFeatures.Rows} rows but {validationLabels.Length} labels.", nameof(validationLabels));
        }
        int positives = labels.Count(l => l);
        if (positives == 0 || positives == labels.Length)
            throw new ArgumentException(
                $"labels: all {labels.Length} examples are {(positives == 0 ? "negative" : "positive")}; a classifier needs examples of both classes.",
                nameof(labels));
        return new BoostingRun(features, labels, options, validationFeatures, validationLabels, progress, cancellationToken).Run(positives);
    }

    private static void CheckLabels(FeatureMatrix x, bool[] labels, string name)
    {
        if (x.Rows != labels.Length)
            throw new ArgumentException($"{name}: {labels.Length} labels for {x.Rows} rows of features.", name);
        if (x.Rows == 0) throw new ArgumentException("features: no rows to train on.", nameof(x));
        if ((long)x.Rows * x.Columns > Array.MaxLength)
            throw new ArgumentException($"features: {x.Rows} × {x.Columns} is too large to bin in one array.", nameof(x));
    }
}
