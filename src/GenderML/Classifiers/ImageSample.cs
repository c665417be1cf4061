using GenderML.Data;
using GenderML.Imaging;

namespace GenderML.Classifiers;

/// <summary>An in-memory <see cref="Image"/> → the N×N uint8 sample a model takes, as <see cref="Preprocessor"/> makes from files.</summary>
internal static class ImageSample
{
    public static void Write(Image image, PreprocessOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var square = Preprocessor.Square(image, options.Mode);
        if (square.Width != options.Size || square.Height != options.Size) square = square.Resize(options.Size, options.Size);
        if (square.Format != options.Format) square = square.ConvertTo(options.Format);
        square.Pixels.AsSpan(0, options.BytesPerImage).CopyTo(destination);
    }

    public static byte[] WriteAll(IReadOnlyList<Image> images, PreprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(images);
        var pixels = new byte[images.Count * options.BytesPerImage];
        for (int i = 0; i < images.Count; i++) Write(images[i], options, pixels.AsSpan(i * options.BytesPerImage, options.BytesPerImage));
        return pixels;
    }
}
