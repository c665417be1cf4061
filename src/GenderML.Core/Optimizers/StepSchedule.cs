namespace GenderML.Core.Optimizers;

/// <summary>Step decay, as PyTorch's <c>StepLR</c>: <c>η(t) = η₀·γ^⌊t / stepSize⌋</c>.</summary>
public sealed class StepSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">η₀ or γ is negative or not finite, or <paramref name="stepSize"/> &lt; 1.</exception>
    public StepSchedule(double initialLearningRate, int stepSize, double gamma = 0.1)
    {
        ScheduleChecks.NonNegative(initialLearningRate, nameof(initialLearningRate));
        ScheduleChecks.NonNegative(gamma, nameof(gamma));
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        InitialLearningRate = initialLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>η₀.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>γ, the factor applied at each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double LearningRateAt(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return InitialLearningRate * Math.Pow(Gamma, step / StepSize);
    }
}
