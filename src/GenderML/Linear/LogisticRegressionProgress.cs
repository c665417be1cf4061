namespace GenderML.Linear;

/// <summary>The state after one L-BFGS iteration.</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="Objective">C·Σ logloss + ½‖w‖² now.</param>
/// <param name="GradientMaxAbs">Largest gradient component now; the fit stops at <see cref="LogisticRegressionOptions.Tolerance"/>.</param>
internal readonly record struct LogisticRegressionProgress(int Iteration, double Objective, double GradientMaxAbs);
