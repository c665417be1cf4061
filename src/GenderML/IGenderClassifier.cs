using GenderML.Imaging;

namespace GenderML;

/// <summary>
/// A trained classifier of perceived gender presentation from a face image. Get one from
/// <see cref="Trainer"/>.<c>Fit</c> or <see cref="GenderClassifier.Load"/>.
/// </summary>
/// <remarks>
/// Each image is taken as a face crop and preprocessed as the model was trained (<see cref="ClassifierInfo.Preprocessing"/>).
/// Instances are not safe for concurrent calls; load one per thread, or lock.
/// </remarks>
public interface IGenderClassifier
{
    /// <summary>What the model is: kind, architecture, classes, preprocessing, training summary and metrics at save time.</summary>
    ClassifierInfo Info { get; }

    /// <summary>Classifies one face image.</summary>
    GenderPrediction Predict(Image image);

    /// <summary>
    /// Classifies the face image in the file at <paramref name="path"/>, decoded as the evaluation decodes it for this
    /// model (<see cref="GenderClassifier.LoadImage"/>), so the P(male) equals that of
    /// <see cref="Evaluation.Evaluator"/> for the same file.
    /// </summary>
    /// <exception cref="Imaging.ImageLoadException">
    /// The file is not a decodable image, not a regular file, or too large.
    /// </exception>
    GenderPrediction Predict(string path) => Predict(GenderClassifier.LoadImage(this, path));

    /// <summary>Classifies a batch of face images; the i-th prediction belongs to the i-th image.</summary>
    IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images);

    /// <summary>
    /// Saves the model as a self-contained <c>.zip</c> (written to a temporary file, then renamed): it loads in any process
    /// that references the GenderML package. The face-api weights that face framing and transfer models run on are
    /// referenced by sha256 rather than copied: they ship in the GenderML.FaceApi.Models package GenderML depends on.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is <see cref="PretrainedGenderClassifier"/>, which has nothing trained to save.</exception>
    void Save(string path);
}
