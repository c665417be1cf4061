namespace GenderML.Imaging;

/// <summary>How <c>Image.Load</c> decodes: the smallest size the caller needs, the pixel format, and limits.</summary>
/// <remarks>
/// With a target size, JPEGs are decoded straight to a reduced size: the decoder picks the smallest
/// TurboJPEG DCT scaling factor (1/8, 2/8 … 8/8) whose output is still at least
/// <see cref="MinWidth"/> × <see cref="MinHeight"/>, so the result can be smaller than the stored image
/// but never smaller than the target (unless the stored image itself is). PNGs are always decoded at full size.
/// </remarks>
public sealed record ImageLoadOptions
{
    /// <summary>The defaults: full size, format as stored, EXIF orientation applied, 50 megapixels at most.</summary>
    public static ImageLoadOptions Default { get; } = new();

    /// <summary>The smallest width (after EXIF orientation) the caller needs; 0 means full size.</summary>
    public int MinWidth { get; init; }

    /// <summary>The smallest height (after EXIF orientation) the caller needs; 0 means full size.</summary>
    public int MinHeight { get; init; }

    /// <summary>
    /// The pixel format to return, or null for the stored one (gray images as <see cref="PixelFormat.Gray8"/>,
    /// everything else as <see cref="PixelFormat.Rgb24"/>). Gray JPEG output comes straight from the luma
    /// channel, skipping chroma decoding.
    /// </summary>
    public PixelFormat? Format { get; init; }

    /// <summary>Images whose header claims more than this many million pixels are rejected before decoding.</summary>
    public double MaxMegapixels { get; init; } = 50;

    /// <summary>Files larger than this many bytes are rejected before decoding; at most this many plus one are read.</summary>
    public long MaxFileBytes { get; init; } = ImageFile.DefaultMaxBytes;

    /// <summary>Whether to rotate/flip JPEGs as their EXIF orientation tag says (as viewers and PIL's <c>exif_transpose</c> do).</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>Options asking for at least <paramref name="width"/> × <paramref name="height"/> pixels in <paramref name="format"/>.</summary>
    public static ImageLoadOptions ForTarget(int width, int height, PixelFormat? format = null) =>
        new() { MinWidth = width, MinHeight = height, Format = format };
}
