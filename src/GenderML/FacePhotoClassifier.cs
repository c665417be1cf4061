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

    /// <summary>Loads the detector (SSD unless <paramref name="options"/> says otherwise) from <paramref name="modelsFolder"/> (null: <c>models/face-api</c> above the working folder, or <c>$GENDERML_FACE_MODELS</c>).</summary>
    /// <exception cref="FileNotFoundException">A weight file is missing (the message says to run <c>scripts/fetch-models.sh</c>).</exception>
    public static FacePhotoClassifier Load(IGenderClassifier classifier, string? modelsFolder = null, FaceDetectorOptions? options = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var models = FaceModelsFolder.Options(modelsFolder ?? FaceModelsFolder.Default(), threads > 0 ? threads : Environment.ProcessorCount);
        return new FacePhotoClassifier(classifier, FaceDetector.Load(models, options));
    }

    /// <summary>The faces of <paramref name="photo"/>, best detector score first, each with its prediction.</summary>
    public IReadOnlyList<FacePrediction> Classify(Image photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var faces = Detector.Detect(photo).Select(f => (Face: f, Crop: FaceDetector.Crop(photo, f))).Where(f => f.Crop is not null).ToList();
        if (faces.Count == 0) return [];
        var predictions = _classifier.Predict([.. faces.Select(f => f.Crop!)]);
        return [.. faces.Select((f, i) => new FacePrediction(f.Face, predictions[i]))];
    }

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
