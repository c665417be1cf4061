using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML;

/// <summary>
/// face-api's shipped age/gender net as a ready classifier (kind <c>pretrained</c>, no training): P(male) is the net's
/// softmax output on the image taken as a face crop (centred zero padding, legacy bilinear resize to 112×112), and
/// the net's age regression is available through <see cref="PredictWithAge(Image)"/>.
/// </summary>
public sealed class PretrainedGenderClassifier : IGenderClassifier, IDatasetScorer, IPhotoModel
{
    private PretrainedGenderClassifier(FaceNetClassifier inner) => Inner = inner;

    internal FaceNetClassifier Inner { get; }

    /// <inheritdoc/>
    public ClassifierInfo Info => Inner.Info;

    /// <summary>Loads face-api's age/gender net (from the GenderML.FaceApi.Models package unless <paramref name="modelsFolder"/> is given).</summary>
    /// <param name="modelsFolder">A folder of face-api weights to read instead of the packaged ones (null: those).</param>
    /// <param name="threads">Threads for inference (default: every core).</param>
    /// <param name="canonicalMargin">When set, faces are re-cropped to the detected face box widened by this margin first.</param>
    /// <exception cref="FileNotFoundException"><paramref name="modelsFolder"/> lacks a weight file (the message says how to fix it).</exception>
    /// <exception cref="InvalidDataException">The weight file is altered.</exception>
    /// <param name="detectFaces">Images are full photos: the largest face the SSD detector finds is used (a photo without one gets P(male) NaN in evaluation, where it is reported).</param>
    /// <param name="mirror">When true, P(male) and age are the means over the image and its mirror image (test-time mirror averaging).</param>
    /// <param name="calibrate">When true (the default), P(male) goes through <see cref="BuiltInCalibration"/>; false gives the net's own softmax output.</param>
    public static PretrainedGenderClassifier Load(string? modelsFolder = null, int threads = 0, double? canonicalMargin = null, bool detectFaces = false, bool mirror = false,
        bool calibrate = true)
    {
        string? folder = modelsFolder;
        int t = threads > 0 ? threads : Environment.ProcessorCount;
        var framing = detectFaces ? FaceFraming.ForPhotos(canonicalMargin ?? 0, folder, t)
            : canonicalMargin is { } m ? FaceFraming.Canonical(m, FaceFraming.DefaultDetectorSize, folder, t) : null;
        var files = FaceModelsFolder.Hashes(folder, Embedder.WeightFiles(false, true, framing));
        var info = new ClassifierInfo
        {
            Kind = Models.ModelStore.PretrainedKind,
            Architecture = "face-api 1.7.15 age_gender_model (TinyXception, 112×112, softmax gender output), used as shipped",
            Preprocessing = FaceNetClassifier.Preprocessing(null),
            Calibration = calibrate ? BuiltInCalibration : ProbabilityCalibration.Identity,
        };
        info = info with { Card = Card(info) };
        return new PretrainedGenderClassifier(new FaceNetClassifier(info, null, framing, folder, files, null, null, null, t, mirror: mirror));
    }

    /// <summary>
    /// The map that calibrates the shipped net's P(male): it has no training run of its own, so the map was fitted once
    /// on its scores of the shared data's whole <c>train</c> split (never the test split; canonical crops, mirror average)
    /// and is kept here. Sided power scaling (<see cref="CalibrationMethod.SidedPower"/>): the net is sure of the women and
    /// hesitant on men, which one temperature cannot fix. Labels at 0.5 are unchanged.
    /// </summary>
    public static ProbabilityCalibration BuiltInCalibration { get; } = new()
    {
        Method = CalibrationMethod.SidedPower,
        Scale = 2.407234,
        Power = 0.55,
        LowerScale = 1.297097,
        LowerPower = 0.85,
        Source = "kaggle-gender train (all of it, fitted once)",
        Count = 20000,
        EceBefore = 0.0260,
        EceAfter = 0.0080,
    };

    /// <summary>The built-in card of the shipped net: its provenance, uses and limits; no training data of its own to count.</summary>
    private static ModelCard Card(ClassifierInfo info) => new()
    {
        Kind = info.Kind,
        Architecture = info.Architecture,
        Provenance = "face-api 1.7.15's age/gender net (vladmandic/face-api, MIT licence), weights as shipped in the " +
            "GenderML.FaceApi.Models package; trained by its authors on data not described with the weights. Nothing " +
            "was trained here.",
        Calibration = info.Calibration,
    };

    /// <inheritdoc/>
    public GenderPrediction Predict(Image image) => Inner.Predict(image);

    /// <inheritdoc/>
    public IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images) => Inner.Predict(images);

    /// <inheritdoc/>
    public GenderPrediction Predict(string path) => Predict(GenderClassifier.LoadImage(this, path));

    FaceFraming? IPhotoModel.Framing => Inner.Framing;

    IReadOnlyList<GenderPrediction> IPhotoModel.PredictFaceCrops(IReadOnlyList<Image> crops) => Inner.PredictFaceCrops(crops);

    DatasetScores IDatasetScorer.Score(Data.Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation) =>
        Inner.Score(dataset, options, cancellation);

    /// <summary>The prediction and the net's estimated age in years (its raw regression output) of one face image.</summary>
    public (GenderPrediction Prediction, float Age) PredictWithAge(Image image) => PredictWithAge([image])[0];

    /// <summary>The prediction and estimated age of each face image.</summary>
    public IReadOnlyList<(GenderPrediction Prediction, float Age)> PredictWithAge(IReadOnlyList<Image> images) =>
        [.. Inner.PredictionsWithAge(images)];

    /// <summary>Not supported: this model has no trained part to save; it is face-api's weights as shipped.</summary>
    /// <exception cref="NotSupportedException">Always; load it again with <see cref="Load"/> (CLI: <c>--model pretrained</c>).</exception>
    public void Save(string path) => throw new NotSupportedException(
        $"{path}: the pretrained model is face-api's age/gender net as shipped, with nothing trained to save; load it with PretrainedGenderClassifier.Load where it is needed");
}
