using GenderML.Data;

namespace GenderML.Evaluation;

/// <summary>
/// What evaluation asks of a classifier beyond <see cref="IGenderClassifier"/>: P(male) of a dataset's files, read
/// through the model's own disk cache (pixels for pixel models, network outputs for face-api models) rather than
/// decoded and predicted one batch of images at a time.
/// </summary>
internal interface IDatasetScorer
{
    /// <summary>
    /// P(male) of every readable item of <paramref name="dataset"/> (each image first reframed by
    /// <see cref="ModelEvaluationOptions.Reframe"/> when set); items that cannot be scored are in
    /// <see cref="DatasetScores.Skipped"/> with their reason.
    /// </summary>
    DatasetScores Score(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation);
}
