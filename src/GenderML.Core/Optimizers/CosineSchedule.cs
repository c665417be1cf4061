namespace GenderML.Core.Optimizers;

/// <summary>
/// Cosine annealing with optional linear warm-up over <c>W</c> steps and a total of <c>T</c> steps:
/// <c>η(t) = η₀·(s + (1 − s)·t/W)</c> for <c>t &lt; W</c>, then
/// <c>η(t) = η_min + (η₀ − η_min)·(1 + cos(π·(t − W)/(T − W)))/2</c>, held at <c>η_min</c> once <c>t ≥ T</c>.
/// </summary>
/// <remarks>Without warm-up this is PyTorch's <c>CosineAnnealingLR(T_max=T, eta_min)</c>; with warm-up it is
/// <c>SequentialLR([LinearLR(start_factor=s, total_iters=W), CosineAnnealingLR(T_max=T−W, eta_min)], milestones=[W])</c>
/// (before <c>T</c>; PyTorch's cosine rises again after <c>T_max</c>, this one stays at the floor).</remarks>
public sealed class CosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is negative or not finite, <c>T ≤ W</c>, <c>W &lt; 0</c>, or <c>s ∉ (0, 1]</c>.</exception>
    public CosineSchedule(double initialLearningRate, int totalSteps, double minimumLearningRate = 0, int warmupSteps = 0, double warmupStartFactor = 0.01)
    {
        ScheduleChecks.NonNegative(initialLearningRate, nameof(initialLearningRate));
        ScheduleChecks.NonNegative(minimumLearningRate, nameof(minimumLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), $"the total steps ({totalSteps}) must exceed the warm-up steps ({warmupSteps})");
        if (!(warmupStartFactor > 0 && warmupStartFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), $"the warm-up start factor must be in (0, 1], got {warmupStartFactor}");
        InitialLearningRate = initialLearningRate;
        TotalSteps = totalSteps;
        MinimumLearningRate = minimumLearningRate;
        WarmupSteps = warmupSteps;
        WarmupStartFactor = warmupStartFactor;
    }

    /// <summary>η₀, the rate at the end of warm-up (at step 0 without warm-up).</summary>
    public double InitialLearningRate { get; }

    /// <summary>T, the step at which the rate reaches <see cref="MinimumLearningRate"/>.</summary>
    public int TotalSteps { get; }

    /// <summary>η_min.</summary>
    public double MinimumLearningRate { get; }

    /// <summary>W, the warm-up length (0 for none).</summary>
    public int WarmupSteps { get; }

    /// <summary>s, the fraction of η₀ at step 0 of the warm-up.</summary>
    public double WarmupStartFactor { get; }

    /// <inheritdoc/>
    public double LearningRateAt(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
            return InitialLearningRate * (WarmupStartFactor + (1 - WarmupStartFactor) * step / WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps));
        return MinimumLearningRate + (InitialLearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * progress)) / 2;
    }
}
