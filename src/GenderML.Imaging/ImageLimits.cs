namespace GenderML.Imaging;

/// <summary>Checks a header's claimed size before any pixel memory is allocated.</summary>
internal static class ImageLimits
{
    /// <summary>Throws when <paramref name="width"/> × <paramref name="height"/> is non-positive or above the options' megapixel limit.</summary>
    public static void Check(string name, long width, long height, ImageLoadOptions options)
    {
        if (width <= 0 || height <= 0)
            throw new ImageLoadException(name, $"invalid size {width}x{height} in header");
        double megapixels = width * (double)height / 1e6;
        if (megapixels > options.MaxMegapixels)
            throw new ImageLoadException(name,
                $"{width}x{height} ({megapixels.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} megapixels) exceeds the limit of {options.MaxMegapixels.ToString(System.Globalization.CultureInfo.InvariantCulture)} megapixels (ImageLoadOptions.MaxMegapixels)");
        if (width * height * 4 > Array.MaxLength)
            throw new ImageLoadException(name, $"{width}x{height} is too large to hold in one array");
    }
}
