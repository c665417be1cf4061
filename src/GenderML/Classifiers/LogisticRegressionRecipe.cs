namespace GenderML.Classifiers;

/// <summary>
/// Logistic regression on the pixels (scaled to [0, 1]), fitted by L-BFGS to the minimum of
/// <c>C·Σ logloss + ½‖w‖²</c> (scikit-learn's convention; the intercept is not penalised). The problem is
/// convex, so the answer depends on <see cref="C"/>, not on epochs or learning rates.
/// </summary>
public sealed record LogisticRegressionRecipe : ClassifierRecipe
{
    /// <inheritdoc/>
    public override string Kind => "logreg";

    /// <summary>Inverse regularisation strength: smaller is stronger.</summary>
    public double C { get; init; } = 1.0;

    /// <summary>L-BFGS iterations at the most.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Stop when the gradient's largest component falls below this.</summary>
    public double Tolerance { get; init; } = 1e-4;
}
