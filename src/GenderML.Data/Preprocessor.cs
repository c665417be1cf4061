using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>Image file → N×N uint8 pixels (<see cref="PreprocessOptions"/>), decoding JPEGs at the smallest DCT scale that still covers N.</summary>
public static class Preprocessor
{
    /// <summary>
    /// Decodes <paramref name="path"/> and writes its N×N sample (row-major, channels interleaved) into
    /// <paramref name="destination"/> (<see cref="PreprocessOptions.BytesPerImage"/> bytes).
    /// </summary>
    /// <exception cref="ImageLoadException">The file is not a decodable image, not a regular file, or too large.</exception>
    public static void Load(string path, PreprocessOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        Load(ImageFile.ReadAllBytes(path), path, options, destination);
    }

    /// <summary>As <see cref="Load(string, PreprocessOptions, Span{byte})"/>, from the file's bytes; <paramref name="name"/> is used in errors.</summary>
    /// <exception cref="ImageLoadException">The bytes are not a decodable image.</exception>
    public static void Load(ReadOnlySpan<byte> bytes, string name, PreprocessOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (destination.Length < options.BytesPerImage)
            throw new ArgumentException($"destination holds {destination.Length} bytes, a {options.Key} sample needs {options.BytesPerImage}", nameof(destination));
        if (options.Framing is { } framing)
        {
            Write(framing.Frame([Decode(bytes, name, options)])[0], options, destination);
            return;
        }
        int n = options.Size;
        var image = Image.Load(bytes, name, DecodeOptions(options));
        image = Square(image, options.Mode);
        if (image.Width != n || image.Height != n) image = image.Resize(n, n);
        image.Pixels.AsSpan(0, options.BytesPerImage).CopyTo(destination);
    }

    /// <summary>
    /// The image a <see cref="PreprocessOptions.Framing"/> starts from: RGB (face detectors take colour), decoded at
    /// the smallest DCT scale that keeps its shorter side at <see cref="ImageFraming.MinimumDecodeSide"/> or more.
    /// </summary>
    /// <exception cref="ImageLoadException">The bytes are not a decodable image.</exception>
    internal static Image Decode(ReadOnlySpan<byte> bytes, string name, PreprocessOptions options) =>
        Image.Load(bytes, name, DecodeOptions(options));

    /// <summary>
    /// How a file is decoded for a sample of <paramref name="options"/>: at the smallest size that still covers
    /// N×N (RGB and at least <see cref="ImageFraming.MinimumDecodeSide"/> on the shorter side with a framing). Decode
    /// with these options, then <see cref="Write"/>, and the sample equals the one <see cref="Load(string, PreprocessOptions, Span{byte})"/>
    /// gives, bit for bit.
    /// </summary>
    public static ImageLoadOptions DecodeOptions(PreprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Framing is null) return ImageLoadOptions.ForTarget(options.Size, options.Size, options.Format);
        int side = Math.Max(options.Size, options.Framing.MinimumDecodeSide);
        return ImageLoadOptions.ForTarget(side, side, PixelFormat.Rgb24);
    }

    /// <summary>An in-memory image (already framed, if the options frame) → its N×N sample: made square, resized, converted.</summary>
    public static void Write(Image image, PreprocessOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var square = Square(image, options.Mode);
        if (square.Width != options.Size || square.Height != options.Size) square = square.Resize(options.Size, options.Size);
        if (square.Format != options.Format) square = square.ConvertTo(options.Format);
        square.Pixels.AsSpan(0, options.BytesPerImage).CopyTo(destination);
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
