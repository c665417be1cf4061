using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>Image file → N×N uint8 pixels (<see cref="PreprocessOptions"/>), decoding JPEGs at the smallest DCT scale that still covers N.</summary>
public static class Preprocessor
{
    /// <summary>
    /// Decodes <paramref name="path"/> and writes its N×N sample (row-major, channels interleaved) into
    /// <paramref name="destination"/> (<see cref="PreprocessOptions.BytesPerImage"/> bytes).
    /// </summary>
    /// <exception cref="ImageLoadException">The file is not a decodable image.</exception>
    public static void Load(string path, PreprocessOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        Load(File.ReadAllBytes(path), path, options, destination);
    }

    /// <summary>As <see cref="Load(string, PreprocessOptions, Span{byte})"/>, from the file's bytes; <paramref name="name"/> is used in errors.</summary>
    /// <exception cref="ImageLoadException">The bytes are not a decodable image.</exception>
    public static void Load(ReadOnlySpan<byte> bytes, string name, PreprocessOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (destination.Length < options.BytesPerImage)
            throw new ArgumentException($"destination holds {destination.Length} bytes, a {options.Key} sample needs {options.BytesPerImage}", nameof(destination));
        int n = options.Size;
        var image = Image.Load(bytes, name, ImageLoadOptions.ForTarget(n, n, options.Format));
        image = Square(image, options.Mode);
        if (image.Width != n || image.Height != n) image = image.Resize(n, n);
        image.Pixels.AsSpan(0, options.BytesPerImage).CopyTo(destination);
    }

    /// <summary>The image made square by <paramref name="mode"/> (unchanged for <see cref="ResizeMode.Stretch"/>).</summary>
    public static Image Square(Image image, ResizeMode mode)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == image.Height) return image;
        return mode switch
        {
            ResizeMode.CenterCrop => image.CenterCrop(Math.Min(image.Width, image.Height), Math.Min(image.Width, image.Height)),
            ResizeMode.Pad => image.PadToSquare(),
            _ => image,
        };
    }
}
