using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;

namespace GenderML.Classifiers;

/// <summary>
/// What every GenderML model shares: it predicts images, scores a dataset's files through its own cache for evaluation
/// (<see cref="IDatasetScorer"/>) and saves itself to the model store. Pixel models derive from
/// <see cref="PixelClassifier"/>; face-api models read images through their frozen networks.
/// </summary>
internal abstract class TrainedClassifier : IGenderClassifier, IDatasetScorer
{
    public abstract ClassifierInfo Info { get; }

    public GenderPrediction Predict(Image image) => Predict([image])[0];

    public abstract IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images);

    public abstract DatasetScores Score(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation);

    public abstract void Save(string path);
}
