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
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid GenderML model, or a backbone weight file it needs is missing or altered; the message names the problem and the fix.</exception>
    public static IGenderClassifier Load(string path, int threads = 0, string? faceModelsFolder = null) =>
        ModelStore.Load(path, threads > 0 ? threads : Environment.ProcessorCount, faceModelsFolder);
}
