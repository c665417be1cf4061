using System.Reflection;

namespace GenderML.FaceApi.Models;

/// <summary>
/// The face-api 1.7.15 weight files (<c>@vladmandic/face-api@1.7.15</c> on npm, MIT), embedded in this assembly under
/// their file names: each model's <c>NAME-weights_manifest.json</c> and <c>NAME.bin</c> for <c>age_gender_model</c>,
/// <c>face_recognition_model</c>, <c>ssd_mobilenetv1_model</c> and <c>tiny_face_detector_model</c>.
/// </summary>
/// <remarks>The package README lists each file's sha256; GenderML checks it on every read.</remarks>
public static class FaceApiWeights
{
    /// <summary>The face-api release the weights come from.</summary>
    public const string Version = "1.7.15";

    private static readonly Assembly Self = typeof(FaceApiWeights).Assembly;

    /// <summary>The names of the embedded files, in ordinal order.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [.. Self.GetManifestResourceNames().Order(StringComparer.Ordinal)];

    /// <summary>Opens the embedded file <paramref name="fileName"/> (<c>age_gender_model.bin</c>, …) for reading.</summary>
    /// <exception cref="FileNotFoundException">No embedded file has that name.</exception>
    public static Stream Open(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        return Self.GetManifestResourceStream(fileName) ?? throw new FileNotFoundException(
            $"{fileName}: not one of the face-api {Version} weight files in GenderML.FaceApi.Models "
            + $"({string.Join(", ", FileNames)})", fileName);
    }
}
