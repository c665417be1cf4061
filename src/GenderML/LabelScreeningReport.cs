using GenderML.Evaluation;

namespace GenderML;

/// <summary>The outcome of <see cref="LabelScreening.Screen"/>.</summary>
public sealed record LabelScreeningReport
{
    /// <summary>Images screened (readable, with a face or used whole).</summary>
    public required int Screened { get; init; }

    /// <summary>The images whose label looks wrong, least likely label first (ties by path).</summary>
    public required IReadOnlyList<SuspectLabel> Suspects { get; init; }

    /// <summary>The threshold used: a label is suspect when its out-of-fold probability is below it.</summary>
    public required double Threshold { get; init; }

    /// <summary>Files that could not be screened, and why.</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; init; } = [];

    /// <summary>Wall-clock seconds, embedding included.</summary>
    public double Seconds { get; init; }
}
