namespace GenderML.Core.Optimizers;

/// <summary>Exponential decay, as PyTorch's <c>ExponentialLR</c>: <c>η(t) = η₀·γ^t</c>.</summary>
public sealed class ExponentialSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">η₀ or γ is negative or not finite.</exception>
    public ExponentialSchedule(double initialLearningRate, double gamma)
    {
        ScheduleChecks.NonNegative(initialLearningRate, nameof(initialLearningRate));
        ScheduleChecks.NonNegative(gamma, nameof(gamma));
        InitialLearningRate = initialLearningRate;
        Gamma = gamma;
    }

    /// <summary>η₀.</summary>
    public double InitialLearningRate { get; }

    /// <summary>γ, the factor applied every step.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double LearningRateAt(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return InitialLearningRate * Math.Pow(Gamma, step);
    }
}
