namespace GenderML.Core.Optimizers;

/// <summary>Settings of <see cref="Adam"/> and <see cref="AdamW"/> (PyTorch's defaults, except AdamW's weight decay: see <see cref="AdamW"/>).</summary>
/// <param name="LearningRate">Step size η.</param>
/// <param name="Beta1">Decay of the first-moment estimate, in [0, 1).</param>
/// <param name="Beta2">Decay of the second-moment estimate, in [0, 1).</param>
/// <param name="Epsilon">Added to <c>√v̂</c> (outside the square root) to keep the step finite.</param>
/// <param name="WeightDecay">λ: for <see cref="Adam"/> added to the gradient as <c>λ·w</c> (L2); for <see cref="AdamW"/> decoupled, <c>w ← w·(1 − η·λ)</c>.</param>
public sealed record AdamOptions(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8, double WeightDecay = 0);
