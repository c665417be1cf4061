using GenderML.Data;
using GenderML.Imaging;

namespace GenderML.Classifiers;

/// <summary>In-memory <see cref="Image"/>s → the N×N uint8 samples a model takes, as <see cref="Preprocessor"/> makes them from files (framing included).</summary>
internal static class ImageSample
{
    public static byte[] WriteAll(IReadOnlyList<Image> images, PreprocessOptions options) => WriteAll(images, options, null);

    /// <summary>
    /// As <see cref="WriteAll(IReadOnlyList{Image}, PreprocessOptions)"/>; with face framing, <paramref name="faceFound"/> (when
    /// given) says which images had a face (its slots are left as they are, null in a new array, without).
    /// </summary>
    public static byte[] WriteAll(IReadOnlyList<Image> images, PreprocessOptions options, bool?[]? faceFound)
    {
        ArgumentNullException.ThrowIfNull(images);
        var framed = images.Count == 0 || options.Framing is null ? images
            : options.Framing is FaceFraming faces ? [.. faces.Frame(images, faceFound, out _).Select((f, i) => f ?? images[i])]
            : options.Framing.Frame(images);
        var pixels = new byte[images.Count * options.BytesPerImage];
        for (int i = 0; i < images.Count; i++) Preprocessor.Write(framed[i], options, pixels.AsSpan(i * options.BytesPerImage, options.BytesPerImage));
        return pixels;
    }
}
