using GenderML.FaceApi;

namespace GenderML.Transfer;

/// <summary>
/// Fingerprints the face-api weight files a model depends on, and makes the network options, for a weights folder given
/// explicitly or, when it is null, the weights packaged in GenderML.FaceApi.Models.
/// </summary>
internal static class FaceModelsFolder
{
    /// <summary>The sha256 of each named weight file in <paramref name="folder"/> (null: the packaged weights).</summary>
    /// <exception cref="FileNotFoundException">A file is missing (the message names it and says how to fix it).</exception>
    public static Dictionary<string, string> Hashes(string? folder, IEnumerable<string> files)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in files) result[file] = ModelFiles.HashOf(folder, file);
        return result;
    }

    /// <summary>The options the networks run with: <paramref name="folder"/> (null: the packaged weights) and
    /// <paramref name="threads"/> threads.</summary>
    public static FaceModelOptions Options(string? folder, int threads) =>
        new(folder) { Compute = new Core.ComputeOptions { Threads = Math.Max(1, threads) } };
}
