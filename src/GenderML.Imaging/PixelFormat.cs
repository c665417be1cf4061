namespace GenderML.Imaging;

/// <summary>How the bytes of an <see cref="Image"/> are laid out: 8 bits a channel, rows top to bottom, no padding.</summary>
public enum PixelFormat
{
    /// <summary>One byte a pixel: luma.</summary>
    Gray8 = 1,

    /// <summary>Three bytes a pixel, in the order red, green, blue.</summary>
    Rgb24 = 3,
}
