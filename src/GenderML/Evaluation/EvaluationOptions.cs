namespace GenderML.Evaluation;

/// <summary>Settings of an evaluation.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Predict male when P(male) &gt; this (ties go to female, as scikit-learn's <c>predict</c>). Default 0.5.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Equal-width bins of P(male) for the calibration error. Default 10.</summary>
    public int CalibrationBins { get; init; } = 10;

    /// <summary>A group key per sample (e.g. age band) for per-group accuracy, or null.</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Files left out of the evaluation, carried into the report.</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; init; } = [];
}
