using System.Security.Cryptography;
using GenderML.FaceApi;

namespace GenderML.Transfer;

/// <summary>Finds the face-api weights folder and fingerprints the weight files a model depends on.</summary>
internal static class FaceModelsFolder
{
    public const string FetchHint = ModelFiles.FetchHint;

    /// <summary>
    /// The folder used when none is given: the first <c>models/face-api</c> found walking up from the current folder,
    /// then from the program's folder; else <c>models/face-api</c> under the current folder (which the loaders then
    /// report as missing, with <see cref="FetchHint"/>).
    /// </summary>
    public static string Default()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", "face-api");
                if (Directory.Exists(candidate)) return candidate;
            }
        return Path.Combine(Directory.GetCurrentDirectory(), "models", "face-api");
    }

    /// <summary>The sha256 of each named weight file in <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing (the message names it and says how to fetch it).</exception>
    public static Dictionary<string, string> Hashes(string folder, IEnumerable<string> files)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: face-api weight file not found; {FetchHint}", path);
            using var stream = File.OpenRead(path);
            result[file] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return result;
    }

    /// <summary>The options the networks run with: <paramref name="folder"/> and <paramref name="threads"/> threads.</summary>
    public static FaceModelOptions Options(string folder, int threads) =>
        new(folder) { Compute = new Core.ComputeOptions { Threads = Math.Max(1, threads) } };
}
