using GenderML.Trees;

namespace GenderML.Classifiers;

/// <summary>
/// Gradient-boosted decision trees (FastTree-style histogram boosting, log-loss) on the raw uint8 pixels.
/// Defaults as ML.NET's FastTree: 100 trees, 20 leaves, ≥ 10 examples a leaf, learning rate 0.2, 255 bins.
/// </summary>
public sealed record GradientBoostingRecipe : ClassifierRecipe
{
    /// <inheritdoc/>
    public override string Kind => "gbdt";

    /// <summary>The boosting settings (the seed and threads come from the training options).</summary>
    public GradientBoostingOptions Boosting { get; init; } = new();
}
