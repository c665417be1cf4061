namespace GenderML.Data;

/// <summary>The decoding calls this layer makes into GenderML.Imaging, with errors turned into reasons.</summary>
internal static class ImageDecoding
{
    /// <summary>Decodes the file at a reduced size; null when it decodes, else the reason.</summary>
    public static string? Check(string path)
    {
        return null; // replaced once GenderML.Imaging's Image.Load lands
    }
}
