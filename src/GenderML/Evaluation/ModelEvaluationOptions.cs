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
    /// Metadata key to break accuracy down by (e.g. <c>age</c> or <c>race</c> for UTKFace), or
    /// <see cref="EstimatedAge"/>; null for none.
    /// </summary>
    public string? GroupBy { get; init; }

    /// <summary>
    /// The <see cref="GroupBy"/> key of groups derived from the images: the age band of face-api's age estimate (under 20,
    /// 20-39, 40-59, 60+) crossed with the label, e.g. <c>women 60+</c>.
    /// </summary>
    public const string EstimatedAge = "estimated-age";

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
