using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Training;

namespace GenderML.Classifiers;

/// <summary>
/// What every trained model shares: it maps preprocessed samples (<see cref="ClassifierInfo.Preprocessing"/>) to
/// P(male). Images are turned into samples here; evaluation feeds samples straight from the pixel cache.
/// </summary>
internal abstract class TrainedClassifier : IGenderClassifier, IDatasetScorer
{
    public abstract ClassifierInfo Info { get; }

    /// <summary>P(male) of every sample of <paramref name="samples"/>, in order.</summary>
    public abstract float[] Probabilities(SampleSource samples, CancellationToken cancellation = default);

    public GenderPrediction Predict(Image image) => Predict([image])[0];

    public virtual IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var options = Info.Preprocessing;
        var found = new bool?[images.Count];
        var samples = new ArraySampleSource(ImageSample.WriteAll(images, options, found), new int[images.Count], options.BytesPerImage);
        return [.. Probabilities(samples).Select((p, i) => GenderPrediction.FromProbability(p) with { FaceFound = found[i] })];
    }

    /// <summary>P(male) of a dataset's files, from the pixel cache (or, reframed, preprocessed in memory).</summary>
    public virtual DatasetScores Score(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation) =>
        PixelScoring.Score(this, dataset, options, cancellation);

    public abstract void Save(string path);
}
