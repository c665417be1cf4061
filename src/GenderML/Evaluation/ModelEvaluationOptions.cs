namespace GenderML.Evaluation;

/// <summary>
/// Settings of <see cref="Evaluator.Evaluate(IGenderClassifier, Data.Dataset, ModelEvaluationOptions?,
/// CancellationToken)"/>.
/// </summary>
public sealed record ModelEvaluationOptions
{
    /// <summary>
    /// When set, every image is first reframed by this factor (<see cref="Reframing.Reframe"/>): a looser crop of the
    /// same face.
    /// </summary>
    public double? Reframe { get; init; }

    /// <summary>
    /// When set, every image is degraded by this stress test (<see cref="ImageStress"/>) after any
    /// <see cref="Reframe"/>, so the report says how the model holds up on gray, dark, compressed or blurred faces.
    /// </summary>
    public ImageStress? Stress { get; init; }

    /// <summary>
    /// A metadata key to break accuracy down by as well (e.g. <c>age</c> for UTKFace's exact ages), or
    /// <see cref="EstimatedAge"/>; null for none. The groups the data names itself (<see cref="Data.DatasetItem.Groups"/>:
    /// UTKFace's age bands and ethnic groups, …) are always broken down.
    /// </summary>
    public string? GroupBy { get; init; }

    /// <summary>
    /// The <see cref="GroupBy"/> key of groups derived from the images: the age band of face-api's age estimate (under 20,
    /// 20-39, 40-59, 60+) crossed with the label, e.g. <c>women 60+</c>.
    /// </summary>
    public const string EstimatedAge = "estimated-age";

    /// <summary>When set, the report says how many predictions fall outside this band and how accurate they are.</summary>
    public AbstainBand? Abstain { get; init; }

    /// <summary>The seed of the bootstrap interval of the per-group gap. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Where the pixel and embedding caches live (null = the default cache folder).</summary>
    public string? CacheFolder { get; init; }

    /// <summary>
    /// Receives notes on how the evaluation went (embedding cache hits, images where no face was found); null ignores
    /// them.
    /// </summary>
    public Action<string>? Notes { get; init; }

    /// <summary>Threads for decoding (default: every core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}
