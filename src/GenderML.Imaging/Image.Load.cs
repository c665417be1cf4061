using GenderML.Imaging.Jpeg;
using GenderML.Imaging.Png;

namespace GenderML.Imaging;

public sealed partial class Image
{
    private const int KeptReadBufferBytes = 16 << 20;

    [ThreadStatic] private static byte[]? readBuffer;

    /// <summary>
    /// Decodes the JPEG, PNG, BMP or PPM/PGM file at <paramref name="path"/> (format from its first bytes,
    /// not its extension) into 8-bit pixels, as <paramref name="options"/> ask.
    /// </summary>
    /// <exception cref="ImageLoadException">The file is empty, truncated, corrupt, not a supported format, above the size
    /// limits, or not a regular file (a FIFO, device or folder).</exception>
    /// <exception cref="IOException">The file cannot be read (e.g. <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="DllNotFoundException">libturbojpeg or libpng is not installed; the message names the package.</exception>
    public static Image Load(string path, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageLoadOptions.Default;
        ReadOnlySpan<byte> bytes = ReadFile(path, options);
        return Decode(bytes, options, path);
    }

    /// <summary>Decodes an image from the rest of <paramref name="stream"/> (read to its end), as <see cref="Load(string, ImageLoadOptions?)"/> does.</summary>
    /// <exception cref="ImageLoadException">The data is not a decodable image; its <see cref="ImageLoadException.Path"/> is "&lt;stream&gt;".</exception>
    public static Image Load(Stream stream, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using MemoryStream memory = new();
        stream.CopyTo(memory);
        return Decode(memory.GetBuffer().AsSpan(0, (int)memory.Length), options ?? ImageLoadOptions.Default, "<stream>");
    }

    /// <summary>Decodes an image held in memory, as <see cref="Load(string, ImageLoadOptions?)"/> does.</summary>
    /// <exception cref="ImageLoadException">The data is not a decodable image; its <see cref="ImageLoadException.Path"/> is "&lt;bytes&gt;".</exception>
    public static Image Load(ReadOnlySpan<byte> data, ImageLoadOptions? options = null) =>
        Decode(data, options ?? ImageLoadOptions.Default, "<bytes>");

    /// <summary>Decodes an image held in memory, as <see cref="Load(string, ImageLoadOptions?)"/> does.</summary>
    /// <exception cref="ImageLoadException">The data is not a decodable image; its <see cref="ImageLoadException.Path"/> is "&lt;bytes&gt;".</exception>
    public static Image Load(byte[] data, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Decode(data, options ?? ImageLoadOptions.Default, "<bytes>");
    }

    /// <summary>
    /// Decodes <paramref name="data"/>, naming it <paramref name="name"/> in errors (e.g. the file name it came from).
    /// </summary>
    /// <exception cref="ImageLoadException">The data is not a decodable image.</exception>
    public static Image Load(ReadOnlySpan<byte> data, string name, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Decode(data, options ?? ImageLoadOptions.Default, name);
    }

    internal static Image Decode(ReadOnlySpan<byte> data, ImageLoadOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinHeight);
        return ImageFormatSniffer.Detect(data) switch
        {
            ImageFileFormat.Jpeg => JpegDecoder.Decode(data, options, name),
            ImageFileFormat.Png => PngDecoder.Decode(data, options, name),
            ImageFileFormat.Bmp => Formats.BmpDecoder.Decode(data, options, name),
            ImageFileFormat.Pnm => Formats.PnmDecoder.Decode(data, options, name),
            _ => throw new ImageLoadException(name, ImageFormatSniffer.DescribeUnknown(data)),
        };
    }

    /// <summary>
    /// Reads a whole regular file into a per-thread buffer (<see cref="ImageFile"/>: no FIFOs or devices, at most
    /// <see cref="ImageLoadOptions.MaxFileBytes"/>); buffers up to 16 MiB are kept for the thread's next file.
    /// </summary>
    private static ReadOnlySpan<byte> ReadFile(string path, ImageLoadOptions options)
    {
        byte[]? buffer = readBuffer ??= new byte[256 << 10];
        int n = ImageFile.Read(path, options.MaxFileBytes, ref buffer);
        if (buffer!.Length <= KeptReadBufferBytes)
            readBuffer = buffer;
        return buffer.AsSpan(0, n);
    }
}
