namespace GenderML.Imaging;

/// <summary>
/// An 8-bit image in memory: <see cref="Width"/> × <see cref="Height"/> pixels of
/// <see cref="Format"/>, stored row by row with no padding (<c>Pixels.Length == Width * Height * Channels</c>).
/// </summary>
/// <remarks>The single front door for images: <c>Image.Load</c> decodes JPEG and PNG files.</remarks>
public sealed partial class Image
{
    /// <summary>Wraps existing pixels (not copied).</summary>
    /// <exception cref="ArgumentException">The buffer's length is not <c>width * height * channels</c>.</exception>
    public Image(int width, int height, PixelFormat format, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (format is not (PixelFormat.Gray8 or PixelFormat.Rgb24))
            throw new ArgumentOutOfRangeException(nameof(format), format, "Gray8 or Rgb24");
        if (pixels.Length != (long)width * height * (int)format)
            throw new ArgumentException($"{width}x{height} {format} needs {(long)width * height * (int)format} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Format = format;
        Pixels = pixels;
    }

    /// <summary>A new black image.</summary>
    public Image(int width, int height, PixelFormat format)
        : this(width, height, format, new byte[checked(width * height * (int)format)])
    {
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixel layout.</summary>
    public PixelFormat Format { get; }

    /// <summary>Bytes a pixel: 1 for <see cref="PixelFormat.Gray8"/>, 3 for <see cref="PixelFormat.Rgb24"/>.</summary>
    public int Channels => (int)Format;

    /// <summary>The pixels, row by row, <c>Width * Channels</c> bytes a row.</summary>
    public byte[] Pixels { get; }
}
