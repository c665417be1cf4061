using GenderML.Imaging;
using Microsoft.ML.Data;

namespace GenderML.MLNet;

/// <summary>
/// One row as a GenderML transform reads it: its image column (renamed <see cref="ImageInputs.ImageColumn"/> inside the
/// transform's chain) and the transform's state (<see cref="TransformState"/>).
/// </summary>
internal abstract class ImageRow
{
    private protected ImageRow()
    {
    }

    /// <summary>The transform's settings and payload, the same in every row.</summary>
    [ColumnName(ImageInputs.StateColumn)]
    public byte[] State { get; set; } = [];

    /// <summary>The row's image, decoded by GenderML (files and bytes: with <paramref name="options"/>).</summary>
    internal abstract Image Read(ImageLoadOptions? options);

    /// <summary>The row's image for messages: its path, or what kind of image it is.</summary>
    internal abstract string Describe();
}

/// <summary>A row whose image is an <see cref="MLImage"/>.</summary>
internal sealed class MLImageRow : ImageRow
{
    /// <summary>The image.</summary>
    [ColumnName(ImageInputs.ImageColumn)]
    public MLImage? Image { get; set; }

    internal override Image Read(ImageLoadOptions? options)
    {
        var image = Image ?? throw new InvalidDataException("an image column holds no image (a missing value)");
        var source = image.Pixels;
        var rgb = new byte[image.Width * image.Height * 3];
        bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
        if (image.PixelFormat is not (MLPixelFormat.Bgra32 or MLPixelFormat.Rgba32))
            throw new InvalidDataException($"an MLImage in pixel format {image.PixelFormat}; GenderML reads Bgra32 and Rgba32");
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = source[bgra ? i + 2 : i];
            rgb[j + 1] = source[i + 1];
            rgb[j + 2] = source[bgra ? i : i + 2];
        }
        return new Image(image.Width, image.Height, PixelFormat.Rgb24, rgb);
    }

    internal override string Describe() => Image?.Tag is { Length: > 0 } tag ? tag : "an MLImage";
}

/// <summary>A row whose image is the bytes of a JPEG or PNG file.</summary>
internal sealed class BytesRow : ImageRow
{
    /// <summary>The encoded image.</summary>
    [ColumnName(ImageInputs.ImageColumn)]
    public byte[] Image { get; set; } = [];

    internal override Image Read(ImageLoadOptions? options) => Imaging.Image.Load(Image, "image bytes", options);

    internal override string Describe() => "image bytes";
}

/// <summary>A row whose image is a file path.</summary>
internal sealed class PathRow : ImageRow
{
    /// <summary>The image file.</summary>
    [ColumnName(ImageInputs.ImageColumn)]
    public string Image { get; set; } = "";

    internal override Image Read(ImageLoadOptions? options) => Imaging.Image.Load(Image, options);

    internal override string Describe() => Image;
}
