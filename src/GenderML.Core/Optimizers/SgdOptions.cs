namespace GenderML.Core.Optimizers;

/// <summary>Settings of <see cref="Sgd"/> (PyTorch's <c>torch.optim.SGD</c> with dampening 0).</summary>
/// <param name="LearningRate">Step size η.</param>
/// <param name="Momentum">Momentum μ ∈ [0, 1); 0 disables the momentum buffer.</param>
/// <param name="Nesterov">Use Nesterov momentum (needs μ &gt; 0).</param>
/// <param name="WeightDecay">L2 coefficient λ added to the gradient as <c>λ·w</c>.</param>
public sealed record SgdOptions(double LearningRate = 0.01, double Momentum = 0, bool Nesterov = false, double WeightDecay = 0);
