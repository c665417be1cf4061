namespace GenderML.Core.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter), as PyTorch's <c>torch.optim.AdamW</c>: per parameter with step count t,
/// <c>w ← w·(1 − η·λ)</c>; <c>m ← β₁m + (1−β₁)∇</c>; <c>v ← β₂v + (1−β₂)∇²</c>;
/// <c>w ← w − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)</c>.
/// </summary>
/// <remarks>PyTorch's AdamW defaults to λ = 0.01; pass <c>new AdamOptions(WeightDecay: 0.01)</c> for the same.</remarks>
public sealed class AdamW : Optimizer
{
    private readonly AdamMoments _moments;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>, allocating m, v and a step count per parameter.</summary>
    /// <exception cref="ArgumentException">The options are out of range, or names repeat.</exception>
    public AdamW(IReadOnlyList<Parameter> parameters, AdamOptions options)
        : base(parameters, options?.LearningRate ?? throw new ArgumentNullException(nameof(options)))
    {
        _moments = new AdamMoments(Parameters, options, AddState);
    }

    /// <summary>The settings (the learning rate here is the initial one; see <see cref="Optimizer.LearningRate"/>).</summary>
    public AdamOptions Options => _moments.Options;

    private protected override void Update(int index, Parameter parameter) =>
        _moments.Update(index, parameter, LearningRate, l2: 0, decay: 1 - LearningRate * Options.WeightDecay);

    private protected override void SyncStateOut() => _moments.SyncStateOut();

    private protected override void SyncStateIn() => _moments.SyncStateIn();
}
