using GenderML.Imaging.Native;
using Microsoft.Win32.SafeHandles;

namespace GenderML.Imaging;

/// <summary>
/// Reads image files safely: only regular files (after following links), never more than a byte limit, and a
/// FIFO, device, socket or folder is refused with its type named instead of being opened for reading.
/// </summary>
/// <remarks>
/// On Linux the file is opened without blocking and checked with <c>fstat</c> on the same descriptor, so a FIFO
/// cannot hang the reader and a link swapped after the check cannot redirect it. Elsewhere .NET's file API is used
/// and only folders are told apart.
/// </remarks>
public static class ImageFile
{
    /// <summary>The default byte limit: 256 MiB, far above any 50-megapixel JPEG or PNG.</summary>
    public const long DefaultMaxBytes = 256L << 20;

    /// <summary>Null when <paramref name="path"/> is a regular file (links followed) or missing, else what it is.
    /// </summary>
    public static string? NotRegularReason(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (FileStatusReader.OfPath(path) is { } status)
            return status.Kind == FileKind.Regular ? null : $"{status.Describe()}, not a regular file";
        return Directory.Exists(path) ? "a folder, not a regular file" : null;
    }

    /// <summary>The bytes of the regular file at <paramref name="path"/>, at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="ImageLoadException">The path is not a regular file, or it holds more than
    /// <paramref name="maxBytes"/>.</exception>
    /// <exception cref="IOException">The file cannot be read (e.g. <see cref="FileNotFoundException"/>).</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes = DefaultMaxBytes)
    {
        byte[]? buffer = null;
        int n = Read(path, maxBytes, ref buffer);
        return buffer!.Length == n ? buffer : buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>
    /// Reads the regular file at <paramref name="path"/> into <paramref name="buffer"/> (replaced by a larger array
    /// when it is too small or null) and returns the byte count. At most <paramref name="maxBytes"/> + 1 bytes are read.
    /// </summary>
    internal static int Read(string path, long maxBytes, ref byte[]? buffer)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        maxBytes = Math.Min(maxBytes, Array.MaxLength - 1);
        int fd = Posix.OpenForCheck(path);
        if (fd >= 0)
        {
            try
            {
                FileStatus? status = FileStatusReader.OfDescriptor(fd);
                if (status is { Kind: not FileKind.Regular } s)
                {
                    throw new ImageLoadException(path,
                        $"{s.Describe()}, not an image file; only regular files are read");
                }
                long size = status?.Size ?? 0;
                CheckSize(path, size, maxBytes);
                int capacity = (int)Math.Min(maxBytes + 1, size + 1);
                if (buffer is null || buffer.Length < capacity)
                    buffer = new byte[Math.Max(capacity, buffer?.Length ?? 0)];
                int total = 0;
                while (true)
                {
                    int n = Posix.ReadFully(fd, buffer.AsSpan(total));
                    if (n < 0)
                        throw new IOException($"{path}: read error");
                    total += n;
                    if (total < buffer.Length)
                        return total;
                    CheckSize(path, total, maxBytes);
                    // The file grew since fstat: read on, up to the limit plus one byte.
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                }
            }
            finally
            {
                Posix.CloseDescriptor(fd);
            }
        }
        return ReadPortable(path, maxBytes, ref buffer);
    }

    private static int ReadPortable(string path, long maxBytes, ref byte[]? buffer)
    {
        if (Directory.Exists(path))
            throw new ImageLoadException(path, "a folder, not an image file; only regular files are read");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException) when (path.Contains('\uFFFD'))
        {
            throw new ImageLoadException(path,
                "the file name is not valid UTF-8 (shown with \uFFFD), so it cannot be opened; rename the file");
        }
        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            CheckSize(path, length, maxBytes);
            int capacity = (int)Math.Min(maxBytes + 1, length + 1);
            if (buffer is null || buffer.Length < capacity)
                buffer = new byte[capacity];
            int total = 0;
            while (true)
            {
                int n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                if (n == 0)
                    return total;
                total += n;
                if (total == buffer.Length)
                {
                    CheckSize(path, total, maxBytes);
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                }
            }
        }
    }

    private static void CheckSize(string path, long size, long maxBytes)
    {
        if (size > maxBytes)
        {
            throw new ImageLoadException(path, size > maxBytes + 1
                ? $"file is {size} bytes, above the limit of {maxBytes} (ImageLoadOptions.MaxFileBytes)"
                : $"file holds more than the limit of {maxBytes} bytes (ImageLoadOptions.MaxFileBytes)");
        }
    }
}
