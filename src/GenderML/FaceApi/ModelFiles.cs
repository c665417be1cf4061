using System.Security.Cryptography;

namespace GenderML.FaceApi;

/// <summary>
/// The face-api 1.7.15 weight files this port accepts, with their sha256 (faceapi-models.md §1,
/// scripts/face-api-1.7.15.sha256), and the checks that turn a missing or altered file into an error
/// that says how to fix it.
/// </summary>
internal static class ModelFiles
{
    public const string FetchHint = "run scripts/fetch-models.sh to fetch the @vladmandic/face-api 1.7.15 weights";

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

    /// <summary>Reads <paramref name="fileName"/> from <paramref name="folder"/> after checking it is present and unaltered.</summary>
    /// <exception cref="FileNotFoundException">The file is absent.</exception>
    /// <exception cref="InvalidDataException">The file's sha256 differs from the known one.</exception>
    public static byte[] ReadVerified(string folder, string fileName)
    {
        string path = Path.Combine(folder, fileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: face-api weight file not found; {FetchHint} (or pass the folder that holds them)", path);
        byte[] bytes = File.ReadAllBytes(path);
        if (Sha256.TryGetValue(fileName, out string? expected))
        {
            string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (actual != expected)
                throw new InvalidDataException($"{path}: sha256 {actual} is not the expected {expected} (file altered or truncated); delete it and {FetchHint}");
        }
        else
        {
            throw new InvalidDataException($"{path}: not one of the known face-api 1.7.15 weight files; {FetchHint}");
        }

        return bytes;
    }
}
