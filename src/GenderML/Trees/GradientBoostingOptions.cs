using GenderML.Core;

namespace GenderML.Trees;

/// <summary>
/// Settings of gradient-boosted trees (<see cref="Classifiers.GradientBoostingRecipe.Boosting"/>, the trees head of
/// <see cref="Classifiers.TransferRecipe.Boosting"/>). The defaults are ML.NET FastTree's: 100 trees of at most
/// 20 leaves, at least 10 examples per leaf, learning rate 0.2, 255 bins per feature.
/// </summary>
public sealed record GradientBoostingOptions
{
    /// <summary>Number of boosting rounds (trees); fewer when early stopping ends the fit.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>Leaf budget of each tree; trees grow best-first (the leaf with the largest gain splits next).</summary>
    public int Leaves { get; init; } = 20;

    /// <summary>Minimum number of training examples in a leaf.</summary>
    public int MinExamplesPerLeaf { get; init; } = 10;

    /// <summary>Minimum sum of hessians <c>p(1 − p)</c> in a leaf.</summary>
    public double MinHessianPerLeaf { get; init; } = 1e-3;

    /// <summary>Shrinkage: each leaf value is multiplied by this.</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>Maximum number of quantile bins per feature, 2 to 255.</summary>
    public int MaxBins { get; init; } = 255;

    /// <summary>L2 penalty λ on leaf values: a leaf's value is <c>−G / (H + λ)</c> times the learning rate.</summary>
    public double L2 { get; init; }

    /// <summary>Fraction of training rows drawn (without replacement, seeded) for each tree, in (0, 1].</summary>
    public double RowSubsample { get; init; } = 1.0;

    /// <summary>Fraction of features drawn (seeded) for each tree, in (0, 1].</summary>
    public double FeatureSubsample { get; init; } = 1.0;

    /// <summary>
    /// With a validation set: stop when its log-loss has not improved for this many trees and keep the trees up
    /// to the best one. 0 turns early stopping off (the validation loss is still reported).
    /// </summary>
    public int EarlyStoppingRounds { get; init; } = 10;

    /// <summary>Seed of the row and feature subsampling.</summary>
    public int Seed { get; init; }

    /// <summary>Threads to use; the fitted model is bit-identical for any thread count.</summary>
    public ComputeOptions Compute { get; init; } = new();

    internal void Validate()
    {
        if (Trees < 1) throw new ArgumentOutOfRangeException(nameof(Trees), Trees, "Trees must be at least 1.");
        if (Leaves < 2 || Leaves > 65536) throw new ArgumentOutOfRangeException(nameof(Leaves), Leaves, "Leaves must be between 2 and 65536.");
        if (MinExamplesPerLeaf < 1) throw new ArgumentOutOfRangeException(nameof(MinExamplesPerLeaf), MinExamplesPerLeaf, "MinExamplesPerLeaf must be at least 1.");
        if (!(MinHessianPerLeaf >= 0) || double.IsInfinity(MinHessianPerLeaf)) throw new ArgumentOutOfRangeException(nameof(MinHessianPerLeaf), MinHessianPerLeaf, "MinHessianPerLeaf must be finite and ≥ 0.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be finite and > 0.");
        if (MaxBins < 2 || MaxBins > 255) throw new ArgumentOutOfRangeException(nameof(MaxBins), MaxBins, "MaxBins must be between 2 and 255.");
        if (!(L2 >= 0) || double.IsInfinity(L2)) throw new ArgumentOutOfRangeException(nameof(L2), L2, "L2 must be finite and ≥ 0.");
        if (!(RowSubsample > 0 && RowSubsample <= 1)) throw new ArgumentOutOfRangeException(nameof(RowSubsample), RowSubsample, "RowSubsample must be in (0, 1].");
        if (!(FeatureSubsample > 0 && FeatureSubsample <= 1)) throw new ArgumentOutOfRangeException(nameof(FeatureSubsample), FeatureSubsample, "FeatureSubsample must be in (0, 1].");
        if (EarlyStoppingRounds < 0) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingRounds), EarlyStoppingRounds, "EarlyStoppingRounds must be ≥ 0.");
        ArgumentNullException.ThrowIfNull(Compute);
        if (Compute.Threads < 1) throw new ArgumentOutOfRangeException(nameof(Compute), Compute.Threads, "Compute.Threads must be at least 1.");
    }
}
