namespace GenderML.Core.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba), as PyTorch's <c>torch.optim.Adam</c> (not AMSGrad): per parameter with step count t,
/// <c>g ← ∇ + λ·w</c>; <c>m ← β₁m + (1−β₁)g</c>; <c>v ← β₂v + (1−β₂)g²</c>;
/// <c>w ← w − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)</c>.
/// </summary>
/// <remarks>Weight decay here is an L2 term folded into the gradient, so it is rescaled by the adaptive
/// denominator; <see cref="AdamW"/> decouples it.</remarks>
public sealed class Adam : Optimizer
{
    private readonly AdamMoments _moments;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>, allocating m, v and a step count per parameter.</summary>
    /// <exception cref="ArgumentException">The options are out of range, or names repeat.</exception>
    public Adam(IReadOnlyList<Parameter> parameters, AdamOptions options)
        : base(parameters, options?.LearningRate ?? throw new ArgumentNullException(nameof(options)))
    {
        _moments = new AdamMoments(Parameters, options, AddState);
    }

    /// <summary>The settings (the learning rate here is the initial one; see <see cref="Optimizer.LearningRate"/>).</summary>
    public AdamOptions Options => _moments.Options;

    private protected override void Update(int index, Parameter parameter) =>
        _moments.Update(index, parameter, LearningRate, l2: Options.WeightDecay, decay: 1);

    private protected override void SyncStateOut() => _moments.SyncStateOut();

    private protected override void SyncStateIn() => _moments.SyncStateIn();
}
