namespace GenderML.Linear;

/// <summary>How an L-BFGS fit ended.</summary>
/// <param name="Iterations">L-BFGS iterations run.</param>
/// <param name="Evaluations">Loss-and-gradient evaluations.</param>
/// <param name="Objective">Final C·Σ logloss + ½‖w‖².</param>
/// <param name="GradientMaxAbs">Final largest gradient component.</param>
/// <param name="Converged">True when a tolerance stopped it, false when the iteration limit did.</param>
/// <param name="StopReason">What stopped it, in words.</param>
internal sealed record LogisticFitSummary(int Iterations, int Evaluations, double Objective, double GradientMaxAbs, bool Converged, string StopReason);
