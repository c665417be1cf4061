using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>The decoding calls this layer makes into GenderML.Imaging, with bad input turned into reasons.</summary>
internal static class ImageDecoding
{
    private static readonly ImageLoadOptions Tiny = ImageLoadOptions.ForTarget(8, 8, PixelFormat.Gray8);

    // Imaging installs its native-library resolver on first use without a lock: a thread arriving while another is
    // still installing it probes the default paths and fails with DllNotFoundException. One codec call on one thread
    // before any parallel decoding avoids that (remove once Imaging registers under a lock).
    private static readonly Lazy<bool> Warm = new(() =>
    {
        try
        {
            Image.Load(new Image(1, 1, PixelFormat.Gray8).EncodePng());
            Image.Load(new Image(8, 8, PixelFormat.Gray8).EncodeJpeg());
        }
        catch (Exception e) when (e is DllNotFoundException or ImageLoadException)
        {
            // A missing codec is reported by the real decode, with its install hint.
        }
        return true;
    });

    /// <summary>Makes sure the native codecs are loaded before decoding on several threads.</summary>
    public static void WarmUp() => _ = Warm.Value;

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
