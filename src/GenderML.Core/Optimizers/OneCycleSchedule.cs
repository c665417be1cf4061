namespace GenderML.Core.Optimizers;

/// <summary>
/// The one-cycle policy, as PyTorch's <c>OneCycleLR</c> with cosine annealing: from <c>η_max/div</c> up to
/// <c>η_max</c> over the first <c>pct·T − 1</c> steps, then down to <c>η_max/(div·finalDiv)</c> at step <c>T − 1</c>
/// (three-phase: up, back down to <c>η_max/div</c> by step <c>2·pct·T − 2</c>, then to the minimum). Each phase
/// from <c>a</c> to <c>b</c> over steps <c>[t₀, t₁]</c> is <c>b + (a − b)·(1 + cos(π·(t − t₀)/(t₁ − t₀)))/2</c>.
/// </summary>
/// <remarks>Momentum is not cycled (PyTorch's <c>cycle_momentum</c> also cycles β₁ or momentum; set the optimizer's
/// momentum yourself if you want it). Steps beyond <c>T − 1</c> continue the last phase's curve; PyTorch refuses
/// steps beyond <c>T</c>.</remarks>
public sealed class OneCycleSchedule : ILearningRateSchedule
{
    private readonly (double EndStep, double StartRate, double EndRate)[] _phases;

    /// <summary>Creates the schedule over <paramref name="totalSteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (<c>pct ∈ [0, 1]</c>, factors &gt; 0, <c>T ≥ 1</c>).</exception>
    public OneCycleSchedule(double maximumLearningRate, int totalSteps, double pctStart = 0.3, double divFactor = 25,
        double finalDivFactor = 1e4, bool threePhase = false)
    {
        ScheduleChecks.NonNegative(maximumLearningRate, nameof(maximumLearningRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentOutOfRangeException(nameof(pctStart), $"pctStart must be in [0, 1], got {pctStart}");
        if (!(divFactor > 0 && double.IsFinite(divFactor)))
            throw new ArgumentOutOfRangeException(nameof(divFactor), $"divFactor must be positive and finite, got {divFactor}");
        if (!(finalDivFactor > 0 && double.IsFinite(finalDivFactor)))
            throw new ArgumentOutOfRangeException(nameof(finalDivFactor), $"finalDivFactor must be positive and finite, got {finalDivFactor}");
        MaximumLearningRate = maximumLearningRate;
        TotalSteps = totalSteps;
        double initial = maximumLearningRate / divFactor, minimum = initial / finalDivFactor;
        double rampEnd = pctStart * totalSteps - 1;
        _phases = threePhase
            ? [(rampEnd, initial, maximumLearningRate), (2 * pctStart * totalSteps - 2, maximumLearningRate, initial), (totalSteps - 1, initial, minimum)]
            : [(rampEnd, initial, maximumLearningRate), (totalSteps - 1, maximumLearningRate, minimum)];
    }

    /// <summary>η_max, the peak rate.</summary>
    public double MaximumLearningRate { get; }

    /// <summary>T, the length of the cycle in steps.</summary>
    public int TotalSteps { get; }

    /// <inheritdoc/>
    public double LearningRateAt(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            var (end, from, to) = _phases[i];
            if (step <= end || i == _phases.Length - 1)
            {
                double pct = end > start ? (step - start) / (end - start) : 1; // an empty phase is already at its end
                return to + (from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1);
            }
            start = end;
        }
        throw new InvalidOperationException("unreachable: the last phase always matches");
    }
}
