using GenderML.Core;

namespace GenderML.Linear;

/// <summary>Settings of <see cref="LogisticRegression.Fit"/>, with scikit-learn's meanings.</summary>
internal sealed record LogisticRegressionOptions
{
    /// <summary>Inverse regularisation strength: minimise C·Σ logloss + ½‖w‖² (the intercept is not penalised). Default 1.</summary>
    public double C { get; init; } = 1.0;

    /// <summary>L-BFGS iteration limit. Default 1000.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Stop when the largest gradient component is ≤ this (scikit-learn's <c>tol</c> for lbfgs). Default 1e-4.</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Stop when one iteration lowers the objective by a relative ≤ this (scipy's ftol). Default 2.2e-9; 0 disables.</summary>
    public double RelativeTolerance { get; init; } = 2.220446049250313e-09;

    /// <summary>Fit an intercept b (unpenalised). Default true.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Weight of each label-0 sample's loss (as scikit-learn's <c>class_weight</c>). Default 1.</summary>
    public double NegativeClassWeight { get; init; } = 1.0;

    /// <summary>Weight of each label-1 sample's loss. Default 1.</summary>
    public double PositiveClassWeight { get; init; } = 1.0;

    /// <summary>Threads for the loss and gradient; results do not depend on it.</summary>
    public ComputeOptions? Compute { get; init; }
}
