using GenderML.Data;
using GenderML.Evaluation;

namespace GenderML;

/// <summary>What <see cref="Trainer.Fit"/> gives back: the classifier, how it scored on the validation images, and every file it could not use.</summary>
/// <param name="Classifier">The trained classifier.</param>
/// <param name="Validation">Metrics on the validation images (null when there were none).</param>
/// <param name="Skipped">Files left out, each with its reason (undecodable images, unknown labels).</param>
public sealed record TrainingResult(IGenderClassifier Classifier, EvaluationReport? Validation, IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>Raw held-out scores to calibrate on when a stage has them (validation or out-of-fold); else null.</summary>
    internal DatasetScores? HeldOut { get; init; }

    /// <summary>What <see cref="HeldOut"/> is: <c>validation</c>, <c>out-of-fold (3 folds)</c>.</summary>
    internal string HeldOutSource { get; init; } = "validation";
}
