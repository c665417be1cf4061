namespace GenderML.Imaging;

/// <summary>The container formats <c>Image.Load</c> recognises.</summary>
internal enum ImageFileFormat
{
    Unknown,
    Jpeg,
    Png,
    Bmp,
    Pnm,
}

/// <summary>Tells the format from the first bytes (the "magic number"), never from the file name.</summary>
internal static class ImageFormatSniffer
{
    /// <summary>The format whose signature <paramref name="data"/> starts with.</summary>
    public static ImageFileFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return ImageFileFormat.Jpeg;
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            return ImageFileFormat.Png;
        if (data.Length >= 26 && data[0] == 'B' && data[1] == 'M')
            return ImageFileFormat.Bmp;
        if (data.Length >= 3 && data[0] == 'P' && data[1] is (byte)'5' or (byte)'6' && data[2] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'#')
            return ImageFileFormat.Pnm;
        return ImageFileFormat.Unknown;
    }

    /// <summary>The reason text for data no decoder recognises, e.g. "not a JPEG or PNG (starts with 0x3C 0x68)".</summary>
    public static string DescribeUnknown(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return "empty file (0 bytes)";
        ReadOnlySpan<byte> head = data[..Math.Min(2, data.Length)];
        string bytes = string.Join(' ', head.ToArray().Select(b => "0x" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        string truncated = data.Length < 3 && data[0] == 0xFF ? ", too short to be a JPEG" : "";
        return $"not a JPEG or PNG (starts with {bytes}{truncated})";
    }
}
