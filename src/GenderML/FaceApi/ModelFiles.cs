using System.Security.Cryptography;
using GenderML.FaceApi.Models;

namespace GenderML.FaceApi;

/// <summary>
/// The face-api 1.7.15 weight files this port accepts, with their sha256 (faceapi-models.md §1,
/// scripts/face-api-1.7.15.sha256), read from the GenderML.FaceApi.Models package or from a folder given explicitly,
/// and the checks that turn a missing or altered file into an error that says how to fix it.
/// </summary>
internal static class ModelFiles
{
    /// <summary>What to do when a weights folder given explicitly lacks a file or holds an altered one.</summary>
    public const string FetchHint = "put the @vladmandic/face-api 1.7.15 weights there (the repository's "
        + "scripts/fetch-models.sh fetches them), or leave the folder unset to use the packaged ones";

    private const string PackageHint = "the GenderML.FaceApi.Models package is damaged; restore or reinstall it";

    private static readonly Dictionary<string, string> Sha256 = new(StringComparer.Ordinal)
    {
        ["age_gender_model.bin"] = "49f92bbc0afef2342c4385e4a2b0acb6d7a727c6f0aa539499719a81acf9abaa",
        ["age_gender_model-weights_manifest.json"] = "74b60bf3ebf981bf4e661e9cca3a185614e10b25d797118b62e2a68d3ff2569f",
        ["face_recognition_model.bin"] = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
        ["face_recognition_model-weights_manifest.json"] = "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
        ["ssd_mobilenetv1_model.bin"] = "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8",
        ["ssd_mobilenetv1_model-weights_manifest.json"] = "888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955",
        ["tiny_face_detector_model.bin"] = "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871",
        ["tiny_face_detector_model-weights_manifest.json"] = "5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5",
    };

    /// <summary>Where <paramref name="fileName"/> is read from, for messages: its path, or the package and name.</summary>
    public static string Describe(string? folder, string fileName) =>
        folder is null ? $"GenderML.FaceApi.Models:{fileName}" : Path.Combine(folder, fileName);

    /// <summary>
    /// Reads <paramref name="fileName"/> from <paramref name="folder"/>, or from the packaged weights when it is null,
    /// after checking it is one of the known files and its sha256 is the known one.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is absent.</exception>
    /// <exception cref="InvalidDataException">The file is not a known one, or its sha256 is not the known one.</exception>
    public static byte[] ReadVerified(string? folder, string fileName)
    {
        string source = Describe(folder, fileName);
        string hint = folder is null ? PackageHint : FetchHint;
        if (!Sha256.TryGetValue(fileName, out string? expected))
            throw new InvalidDataException($"{source}: not one of the known face-api 1.7.15 weight files; {hint}");
        byte[] bytes = Read(folder, fileName);
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != expected)
            throw new InvalidDataException(
                $"{source}: sha256 {actual} is not the expected {expected} (file altered or truncated); {hint}");
        return bytes;
    }

    /// <summary>The sha256 of <paramref name="fileName"/> read from <paramref name="folder"/> (null: the packaged weights).</summary>
    /// <exception cref="FileNotFoundException">The file is absent.</exception>
    public static string HashOf(string? folder, string fileName) =>
        Convert.ToHexStringLower(SHA256.HashData(Read(folder, fileName)));

    private static byte[] Read(string? folder, string fileName)
    {
        if (folder is null)
        {
            using var stream = FaceApiWeights.Open(fileName);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        string path = Path.Combine(folder, fileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: face-api weight file not found; {FetchHint}", path);
        return File.ReadAllBytes(path);
    }
}
