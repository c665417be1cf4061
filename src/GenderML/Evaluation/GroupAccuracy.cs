namespace GenderML.Evaluation;

/// <summary>Accuracy and per-class recall on the samples of one group (e.g. an age band), to show gaps between groups.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Count">Samples in the group.</param>
/// <param name="Accuracy">Correct predictions / <paramref name="Count"/>.</param>
/// <param name="Female">Female samples in the group.</param>
/// <param name="Male">Male samples in the group.</param>
public sealed record GroupAccuracy(string Group, int Count, double Accuracy, int Female, int Male)
{
    /// <summary>Female samples predicted female / <see cref="Female"/>; null without female samples.</summary>
    public double? FemaleRecall { get; init; }

    /// <summary>Male samples predicted male / <see cref="Male"/>; null without male samples.</summary>
    public double? MaleRecall { get; init; }

    /// <summary>The lower end of the 95% Wilson score interval of <see cref="Accuracy"/>.</summary>
    public double AccuracyLow { get; init; }

    /// <summary>The upper end of the 95% Wilson score interval of <see cref="Accuracy"/>.</summary>
    public double AccuracyHigh { get; init; }
}
