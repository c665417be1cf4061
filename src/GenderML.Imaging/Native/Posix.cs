using System.Runtime.InteropServices;

namespace GenderML.Imaging.Native;

/// <summary>
/// Reads files with four syscalls (open without blocking, fstat, read, close) on Linux. .NET's
/// <c>File.OpenHandle</c> adds an advisory flock/unlock pair, which for 5 KB images cost as much as the read, and
/// blocks on a FIFO. Any failure to open falls back to the .NET path, which reports the error with its usual exception.
/// </summary>
internal static unsafe partial class Posix
{
    private const int EINTR = 4;

        private static readonly int OpenReadOnlyCloseOnExec = OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000; // O_RDONLY | O_CLOEXEC

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private const int OpenNonBlocking = 0x800; // O_NONBLOCK on Linux: opening a FIFO does not wait for a writer

    /// <summary>
    /// Opens <paramref name="path"/> for reading without blocking (a FIFO opens at once) and returns the descriptor,
    /// or -1 (then the caller uses .NET's API, which reports the error). Linux only.
    /// </summary>
    public static int OpenForCheck(string path)
    {
        if (!FileStatusReader.Supported)
            return -1;
        try
        {
            int fd;
            do fd = Open(path, OpenReadOnlyCloseOnExec | OpenNonBlocking);
            while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
            return fd;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    /// <summary>Reads from <paramref name="fd"/> into <paramref name="buffer"/> until it is full or the file ends; -1 on error.</summary>
    public static int ReadFully(int fd, Span<byte> buffer)
    {
        int total = 0;
        fixed (byte* b = buffer)
        {
            while (total < buffer.Length)
            {
                nint n = Read(fd, b + total, (nuint)(buffer.Length - total));
                if (n < 0 && Marshal.GetLastPInvokeError() == EINTR)
                    continue;
                if (n < 0)
                    return -1;
                if (n == 0)
                    break;
                total += (int)n;
            }
        }
        return total;
    }

    /// <summary>Closes a descriptor from <see cref="OpenForCheck"/>.</summary>
    public static void CloseDescriptor(int fd) => Close(fd);
}
