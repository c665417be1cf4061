namespace GenderML.Imaging;

/// <summary>
/// An image could not be decoded: the bytes are empty, truncated, not a supported format, corrupt, or
/// larger than <see cref="ImageLoadOptions.MaxMegapixels"/>. The message reads
/// "<c>{Path}: {Reason}</c>", e.g. "photo.jpg: not a JPEG or PNG (starts with 0x3C 0x68)".
/// </summary>
/// <remarks>The one exception <c>Image.Load</c> throws for bad input. A missing native codec is not bad
/// input and surfaces as <see cref="DllNotFoundException"/> saying which package to install; a missing
/// file surfaces as the usual <see cref="IOException"/>.</remarks>
public sealed class ImageLoadException : Exception
{
    /// <summary>Creates the exception for the image at <paramref name="path"/> (or a description such as "&lt;stream&gt;").</summary>
    public ImageLoadException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file's path as given to <c>Image.Load</c>, or "&lt;bytes&gt;"/"&lt;stream&gt;" when none.</summary>
    public string Path { get; }

    /// <summary>Why decoding failed, without the path.</summary>
    public string Reason { get; }
}
