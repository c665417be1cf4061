using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;

namespace GenderML.Classifiers;

/// <summary>
/// What every GenderML model shares: it predicts images, scores a dataset's files through its own cache for evaluation
/// (<see cref="IDatasetScorer"/>) and saves itself to the model store. Pixel models derive from
/// <see cref="PixelClassifier"/>; face-api models read images through their frozen networks. Every P(male) they give
/// goes through <see cref="ClassifierInfo.Calibration"/>; <see cref="ScoreUncalibrated"/> gives the raw ones.
/// </summary>
internal abstract class TrainedClassifier : IGenderClassifier, IDatasetScorer
{
    public abstract ClassifierInfo Info { get; }

    /// <summary>The calibration every prediction goes through.</summary>
    public ProbabilityCalibration Calibration => Info.Calibration;

    public GenderPrediction Predict(Image image) => Predict([image])[0];

    public abstract IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images);

    /// <summary>Calibrated scores, with the raw ones beside them in <see cref="DatasetScores.Uncalibrated"/> when the calibration is not the identity.</summary>
    public DatasetScores Score(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation)
    {
        var raw = ScoreUncalibrated(dataset, options, cancellation);
        return Calibration.IsIdentity ? raw : raw with { PMale = Calibration.Apply(raw.PMale), Uncalibrated = raw.PMale };
    }

    /// <summary>The model's raw P(male) of a dataset's files, before <see cref="Calibration"/>.</summary>
    public abstract DatasetScores ScoreUncalibrated(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation);

    /// <summary>The prediction of a raw P(male): calibrated, labelled by the 0.5 threshold.</summary>
    protected GenderPrediction Prediction(float rawProbabilityMale) =>
        GenderPrediction.FromProbability(Calibration.Apply(rawProbabilityMale));

    /// <summary>The same model with <paramref name="info"/> (its calibration and card included).</summary>
    public abstract TrainedClassifier WithInfo(ClassifierInfo info);

    public abstract void Save(string path);
}
