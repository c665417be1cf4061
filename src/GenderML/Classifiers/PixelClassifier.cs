using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Training;

namespace GenderML.Classifiers;

/// <summary>
/// A model on preprocessed pixel samples (<see cref="ClassifierInfo.Preprocessing"/>, framing included) → P(male):
/// images are turned into samples here; training and evaluation feed samples straight from the pixel cache.
/// </summary>
internal abstract class PixelClassifier : TrainedClassifier
{
    /// <summary>Raw P(male) (before <see cref="TrainedClassifier.Calibration"/>) of every sample of <paramref name="samples"/>, in order.</summary>
    public abstract float[] Probabilities(SampleSource samples, CancellationToken cancellation = default);

    public override IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var options = Info.Preprocessing;
        var found = new bool?[images.Count];
        var pixels = ImageSample.WriteAll(images, options, found);
        var samples = new ArraySampleSource(pixels, new int[images.Count], options.BytesPerImage);
        return [.. Probabilities(samples).Select((p, i) => Prediction(p) with { FaceFound = found[i] })];
    }

    /// <summary>Raw P(male) of a dataset's files, from the pixel cache (or, reframed, preprocessed in memory).</summary>
    public override DatasetScores ScoreUncalibrated(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation) =>
        PixelScoring.Score(this, dataset, options, cancellation);

    public override TrainedClassifier WithInfo(ClassifierInfo info) => Trainer.WithInfo(this, info);
}
