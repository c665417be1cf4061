namespace GenderML.Evaluation;

/// <summary>
/// Accuracy per group of one facet (e.g. <c>age band</c> or <c>ethnicity</c>), the worst and best group and the gap
/// between them with its bootstrap confidence interval.
/// </summary>
/// <param name="Facet">What the groups divide: <c>age band</c>, <c>ethnicity</c>, a CSV column, a metadata key.</param>
/// <param name="Groups">Every group, in order of name.</param>
public sealed record GroupBreakdown(string Facet, IReadOnlyList<GroupAccuracy> Groups)
{
    /// <summary>The group of lowest accuracy among those with at least <see cref="EvaluationOptions.MinGroupSize"/> samples; null when fewer than two qualify.</summary>
    public string? Worst { get; init; }

    /// <summary>The group of highest accuracy among those with at least <see cref="EvaluationOptions.MinGroupSize"/> samples; null when fewer than two qualify.</summary>
    public string? Best { get; init; }

    /// <summary>Accuracy of <see cref="Best"/> − accuracy of <see cref="Worst"/>; null when they are not set.</summary>
    public double? Gap { get; init; }

    /// <summary>The 2.5th percentile of the gap over bootstrap resamples of both groups' samples (seeded).</summary>
    public double? GapLow { get; init; }

    /// <summary>The 97.5th percentile of the gap over the bootstrap resamples.</summary>
    public double? GapHigh { get; init; }
}
