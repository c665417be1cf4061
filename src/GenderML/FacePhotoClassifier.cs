using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML;

/// <summary>One face found in a photo and what the classifier says of it.</summary>
/// <param name="Face">The detector's box (pixels of the photo) and score.</param>
/// <param name="Prediction">The classifier's prediction on the face cut out of the box.</param>
public sealed record FacePrediction(DetectedFace Face, GenderPrediction Prediction);

/// <summary>
/// Classifies every face of a full photo: a <see cref="FaceDetector"/> finds the faces, each box is cut out as face-api's
/// <c>extractFaces</c> does (<see cref="FaceDetector.Crop"/>) and given to the classifier as a face crop.
/// </summary>
public sealed class FacePhotoClassifier
{
    private readonly IGenderClassifier _classifier;

    private FacePhotoClassifier(IGenderClassifier classifier, FaceDetector detector)
    {
        _classifier = classifier;
        Detector = detector;
    }

    /// <summary>The detector in use.</summary>
    public FaceDetector Detector { get; }

    /// <summary>
    /// Loads the detector (SSD unless <paramref name="options"/> says otherwise) from <paramref name="modelsFolder"/>
    /// (null: the packaged weights).
    /// </summary>
    /// <exception cref="FileNotFoundException"><paramref name="modelsFolder"/> was given and lacks a weight file.</exception>
    public static FacePhotoClassifier Load(IGenderClassifier classifier, string? modelsFolder = null, FaceDetectorOptions? options = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var models = FaceModelsFolder.Options(modelsFolder, threads > 0 ? threads : Environment.ProcessorCount);
        return new FacePhotoClassifier(classifier, FaceDetector.Load(models, options));
    }

    /// <summary>The faces of <paramref name="photo"/>, best detector score first, each with its prediction.</summary>
    public IReadOnlyList<FacePrediction> Classify(Image photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        // A model trained on photos (DetectFaces) cut its training faces with its margin and must not search the crop again.
        var photoModel = PhotoModel(_classifier);
        var faces = Detector.Detect(photo).Select(f => (Face: f, Crop: photoModel?.Framing is { } framing ? framing.Crop(photo, f) : FaceDetector.Crop(photo, f)))
            .Where(f => f.Crop is not null).ToList();
        if (faces.Count == 0) return [];
        IReadOnlyList<Image> crops = [.. faces.Select(f => f.Crop!)];
        var predictions = photoModel is not null ? photoModel.PredictFaceCrops(crops) : _classifier.Predict(crops);
        return [.. faces.Select((f, i) => new FacePrediction(f.Face, predictions[i]))];
    }

    /// <summary>
    /// True when <paramref name="classifier"/> takes full photos (a transfer model trained with <c>DetectFaces</c>, or the
    /// pretrained model loaded with <c>detectFaces</c>): its <see cref="IGenderClassifier.Predict(Image)"/> throws
    /// <see cref="NoFaceException"/> for a photo without a face, so photos are best classified through this class.
    /// </summary>
    public static bool TakesPhotos(IGenderClassifier classifier) => PhotoModel(classifier) is not null;

    private static IPhotoModel? PhotoModel(IGenderClassifier classifier) =>
        classifier is IPhotoModel { Framing.Photos: true } model ? model : null;

    /// <summary>An RGB copy of <paramref name="photo"/> with each face's box drawn and labelled with its prediction and confidence.</summary>
    public static Image Annotate(Image photo, IReadOnlyList<FacePrediction> faces)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(faces);
        return FaceAnnotation.Draw(photo, faces);
    }

    /// <summary>The largest face of <paramref name="photo"/> cut out of its box, or null when no face is found.</summary>
    public static Image? LargestFace(FaceDetector detector, Image photo)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var faces = detector.Detect(photo);
        return faces.Count == 0 ? null : FaceDetector.Crop(photo, CanonicalFraming.Largest(faces));
    }
}
