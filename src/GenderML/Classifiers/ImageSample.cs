using GenderML.Data;
using GenderML.Imaging;

namespace GenderML.Classifiers;

/// <summary>In-memory <see cref="Image"/>s → the N×N uint8 samples a model takes, as <see cref="Preprocessor"/> makes them from files (framing included).</summary>
internal static class ImageSample
{
    public static byte[] WriteAll(IReadOnlyList<Image> images, PreprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(images);
        var framed = options.Framing is { } framing && images.Count > 0 ? framing.Frame(images) : images;
        var pixels = new byte[images.Count * options.BytesPerImage];
        for (int i = 0; i < images.Count; i++) Preprocessor.Write(framed[i], options, pixels.AsSpan(i * options.BytesPerImage, options.BytesPerImage));
        return pixels;
    }
}
