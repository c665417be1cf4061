using GenderML.Classifiers;
using GenderML.Models;

namespace GenderML;

/// <summary>The front door for saved models.</summary>
public static class GenderClassifier
{
    /// <summary>Loads a model <c>.zip</c> written by <see cref="IGenderClassifier.Save"/>; predictions equal those before saving, bit for bit.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="threads">Threads for prediction (default: every core).</param>
    /// <param name="faceModelsFolder">
    /// A folder of face-api weights for the face framing and the backbone of transfer models to read instead of the ones
    /// packaged in GenderML.FaceApi.Models; null (the default): the packaged ones.
    /// </param>
    /// <param name="kinds">
    /// Model kinds other assemblies define (GenderML.MLNet's <c>MLNetModels.Kind</c>, for one), read besides GenderML's own.
    /// </param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid GenderML model, or a backbone weight file it needs is missing or altered; the message names the problem and the fix.</exception>
    public static IGenderClassifier Load(string path, int threads = 0, string? faceModelsFolder = null,
        IReadOnlyList<ModelKind>? kinds = null) =>
        ModelStore.Load(path, threads > 0 ? threads : Environment.ProcessorCount, faceModelsFolder, kinds);

    /// <summary>
    /// Decodes the image file at <paramref name="path"/> as <see cref="Evaluation.Evaluator"/> does for
    /// <paramref name="classifier"/> (pixel models: at the smallest size that covers their input, see
    /// <see cref="Data.Preprocessor.DecodeOptions"/>), so <see cref="IGenderClassifier.Predict(Imaging.Image)"/> on it
    /// gives the same P(male) as the evaluation of that file. Models that read files themselves get the whole image.
    /// </summary>
    /// <exception cref="Imaging.ImageLoadException">The file is not a decodable image, not a regular file, or too large.</exception>
    public static Imaging.Image LoadImage(IGenderClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return classifier is PixelClassifier
            ? Imaging.Image.Load(path, Data.Preprocessor.DecodeOptions(classifier.Info.Preprocessing))
            : Imaging.Image.Load(path);
    }
}
