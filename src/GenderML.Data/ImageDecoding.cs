using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>The decoding calls this layer makes into GenderML.Imaging, with bad input turned into reasons.</summary>
internal static class ImageDecoding
{
    private static readonly ImageLoadOptions Tiny = ImageLoadOptions.ForTarget(8, 8, PixelFormat.Gray8);

    /// <summary>Decodes the file at a reduced size (gray, DCT-scaled); null when it decodes, else the reason.</summary>
    /// <remarks>A missing native codec is not bad data: its <see cref="DllNotFoundException"/> propagates.</remarks>
    public static string? Check(string path)
    {
        try
        {
            Image.Load(path, Tiny);
            return null;
        }
        catch (ImageLoadException e)
        {
            return e.Reason;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read: {e.Message}";
        }
    }
}
