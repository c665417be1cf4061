namespace GenderML.Data;

/// <summary>Which file names the loaders treat as images.</summary>
internal static class ImageFiles
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".ppm", ".pgm", ".pnm",
    };

    /// <summary>The extensions tried, in order, when a CSV names an image by id only.</summary>
    public static readonly string[] IdExtensions = [".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG", ".bmp"];

    /// <summary>True when the file name ends with an image extension (case-insensitive).</summary>
    public static bool IsImage(string path) => Extensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>The skip record of a file that is not an image.</summary>
    public static SkippedFile NotAnImage(string path)
    {
        string ext = System.IO.Path.GetExtension(path);
        return new SkippedFile(path, SkipKind.NotAnImage,
            ext.Length == 0 ? "not an image (no extension; expected .jpg, .jpeg, .png, .bmp, .ppm, .pgm)"
                            : $"not an image ({ext}; expected .jpg, .jpeg, .png, .bmp, .ppm, .pgm)");
    }
}
