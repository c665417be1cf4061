using GenderML.Classifiers;
using GenderML.Models;

namespace GenderML;

/// <summary>The front door for saved models.</summary>
public static class GenderClassifier
{
    /// <summary>Loads a model <c>.zip</c> written by <see cref="IGenderClassifier.Save"/>; predictions equal those before saving, bit for bit.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="threads">Threads for prediction (default: every core).</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid GenderML model; the message names the problem.</exception>
    public static IGenderClassifier Load(string path, int threads = 0) =>
        ModelStore.Load(path, threads > 0 ? threads : Environment.ProcessorCount);
}
