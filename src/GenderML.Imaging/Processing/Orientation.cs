namespace GenderML.Imaging.Processing;

/// <summary>
/// Applies an EXIF orientation (1–8) to interleaved pixels, producing the image as it should be displayed.
/// </summary>
/// <remarks>
/// EXIF orientation names where row 0 / column 0 of the stored image belong: 2 mirror horizontally,
/// 3 rotate 180°, 4 mirror vertically, 5 transpose, 6 rotate 90° clockwise, 7 transverse,
/// 8 rotate 90° counter-clockwise — the same as PIL's <c>ImageOps.exif_transpose</c>.
/// </remarks>
internal static class Orientation
{
    /// <summary>True when the orientation swaps width and height (5–8).</summary>
    public static bool SwapsAxes(int orientation) => orientation >= 5;

    /// <summary>
    /// Writes the oriented pixels of <paramref name="src"/> (<paramref name="width"/> × <paramref name="height"/>,
    /// <paramref name="channels"/> bytes a pixel) into <paramref name="dst"/>, whose size is the displayed size.
    /// </summary>
    public static void Apply(ReadOnlySpan<byte> src, int width, int height, int channels, int orientation, Span<byte> dst)
    {
        int dw = SwapsAxes(orientation) ? height : width;
        int dh = SwapsAxes(orientation) ? width : height;
        for (int y = 0; y < dh; y++)
        {
            for (int x = 0; x < dw; x++)
            {
                (int sx, int sy) = orientation switch
                {
                    2 => (width - 1 - x, y),
                    3 => (width - 1 - x, height - 1 - y),
                    4 => (x, height - 1 - y),
                    5 => (y, x),
                    6 => (y, height - 1 - x),
                    7 => (width - 1 - y, height - 1 - x),
                    8 => (width - 1 - y, x),
                    _ => (x, y),
                };
                src.Slice((sy * width + sx) * channels, channels).CopyTo(dst.Slice((y * dw + x) * channels, channels));
            }
        }
    }
}
