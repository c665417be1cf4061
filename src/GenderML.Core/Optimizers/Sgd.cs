namespace GenderML.Core.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay, as PyTorch's
/// <c>torch.optim.SGD</c> with dampening 0: <c>g ← ∇ + λ·w</c>; <c>b ← μ·b + g</c> (b starts at 0);
/// <c>d = g + μ·b</c> (Nesterov) or <c>d = b</c> (μ &gt; 0) or <c>d = g</c>; <c>w ← w − η·d</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[]? _momentum;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>; allocates a momentum buffer per parameter when μ &gt; 0.</summary>
    /// <exception cref="ArgumentException">The options are out of range, or names repeat.</exception>
    public Sgd(IReadOnlyList<Parameter> parameters, SgdOptions options)
        : base(parameters, options?.LearningRate ?? throw new ArgumentNullException(nameof(options)))
    {
        if (!(options.Momentum >= 0 && options.Momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"momentum must be in [0, 1), got {options.Momentum}");
        if (!double.IsFinite(options.WeightDecay) || options.WeightDecay < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"weight decay must be finite and ≥ 0, got {options.WeightDecay}");
        if (options.Nesterov && options.Momentum == 0)
            throw new ArgumentException("Nesterov momentum needs a momentum above 0", nameof(options));
        Options = options;
        if (options.Momentum > 0)
        {
            _momentum = new Tensor[Parameters.Count];
            for (int i = 0; i < _momentum.Length; i++)
                _momentum[i] = AddState(Parameters[i].Name + ".momentum_buffer", Parameters[i].Value.ShapeArray());
        }
    }

    /// <summary>The settings (the learning rate here is the initial one; see <see cref="Optimizer.LearningRate"/>).</summary>
    public SgdOptions Options { get; }

    private protected override void Update(int index, Parameter parameter)
    {
        float lr = (float)LearningRate, wd = (float)Options.WeightDecay;
        if (_momentum is null)
            OptimizerKernels.Sgd(parameter.Value.Data, parameter.Gradient.Data, lr, wd);
        else
            OptimizerKernels.SgdMomentum(parameter.Value.Data, parameter.Gradient.Data, _momentum[index].Data,
                lr, (float)Options.Momentum, wd, Options.Nesterov);
    }
}
