namespace GenderML.Evaluation;

/// <summary>Settings of an evaluation.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Predict male when P(male) &gt; this (ties go to female, as scikit-learn's <c>predict</c>). Default 0.5.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Equal-width bins of P(male) for the calibration error. Default 10.</summary>
    public int CalibrationBins { get; init; } = 10;

    /// <summary>The group of every sample along each facet (e.g. age band, ethnicity) for per-group figures, or null.</summary>
    public IReadOnlyList<SampleGroups>? Groups { get; init; }

    /// <summary>Groups with fewer samples are listed but not named worst or best. Default 30.</summary>
    public int MinGroupSize { get; init; } = 30;

    /// <summary>Bootstrap resamples behind the interval of the best–worst gap. Default 1,000.</summary>
    public int BootstrapRounds { get; init; } = 1000;

    /// <summary>The seed of the bootstrap. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>When set, the report says how many samples fall outside this band and how accurate they are (<see cref="EvaluationReport.Abstention"/>).</summary>
    public AbstainBand? Abstain { get; init; }

    /// <summary>Files left out of the evaluation, carried into the report.</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; init; } = [];
}
