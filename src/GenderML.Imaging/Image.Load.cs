using GenderML.Imaging.Jpeg;
using GenderML.Imaging.Png;
using Microsoft.Win32.SafeHandles;

namespace GenderML.Imaging;

public sealed partial class Image
{
    private const int KeptReadBufferBytes = 16 << 20;

    [ThreadStatic] private static byte[]? readBuffer;

    /// <summary>
    /// Decodes the JPEG, PNG, BMP or PPM/PGM file at <paramref name="path"/> (format from its first bytes,
    /// not its extension) into 8-bit pixels, as <paramref name="options"/> ask.
    /// </summary>
    /// <exception cref="ImageLoadException">The file is empty, truncated, corrupt, not a supported format, or above the size limit.</exception>
    /// <exception cref="IOException">The file cannot be read (e.g. <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="DllNotFoundException">libturbojpeg or libpng is not installed; the message names the package.</exception>
    public static Image Load(string path, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ReadOnlySpan<byte> bytes = ReadFile(path);
        return Decode(bytes, options ?? ImageLoadOptions.Default, path);
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
    /// Reads a whole file into a per-thread buffer: on Linux/macOS with open, read (until it returns 0) and close
    /// (<see cref="Native.Posix"/>); otherwise, or for files larger than the buffer, through .NET's file API.
    /// </summary>
    /// <remarks>
    /// In the .NET path a read that returns less than the buffer's size has reached end of file (POSIX regular
    /// files); a full buffer falls back to asking the length and reading the rest.
    /// </remarks>
    private static ReadOnlySpan<byte> ReadFile(string path)
    {
        byte[] small = readBuffer ??= new byte[256 << 10];
        int read = Native.Posix.TryReadSmallFile(path, small);
        if (read >= 0)
            return small.AsSpan(0, read);
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        byte[] buffer = readBuffer ??= new byte[256 << 10];
        int total = RandomAccess.Read(handle, buffer, 0);
        if (total < buffer.Length)
            return buffer.AsSpan(0, total);

        long length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
            throw new ImageLoadException(path, $"file is too large ({length} bytes)");
        byte[] larger = new byte[Math.Max(length, buffer.Length + 1)];
        buffer.AsSpan().CopyTo(larger);
        if (larger.Length <= KeptReadBufferBytes)
            readBuffer = larger;
        while (true)
        {
            int n = RandomAccess.Read(handle, larger.AsSpan(total), total);
            if (n == 0)
                return larger.AsSpan(0, total);
            total += n;
            if (total == larger.Length)
            {
                return RandomAccess.Read(handle, new byte[1], total) == 0
                    ? larger
                    : throw new ImageLoadException(path, "file grew while being read");
            }
        }
    }
}
