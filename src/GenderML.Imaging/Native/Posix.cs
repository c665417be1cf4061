using System.Runtime.InteropServices;

namespace GenderML.Imaging.Native;

/// <summary>
/// Reads small files with exactly three syscalls (open, read, close) on Linux and macOS. .NET's
/// <c>File.OpenHandle</c> adds an fstat and an advisory flock/unlock pair, which for 5 KB images cost as much as
/// the read. Any failure falls back to the .NET path, which then reports the error with its usual exception.
/// </summary>
internal static unsafe partial class Posix
{
    private const int EINTR = 4;

    private static readonly bool Supported = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();
    private static readonly int OpenReadOnlyCloseOnExec = OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000; // O_RDONLY | O_CLOEXEC

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>
    /// Reads <paramref name="path"/> into <paramref name="buffer"/> when the whole file fits (fewer bytes than the
    /// buffer holds); returns the byte count, or -1 when the caller should use the portable path instead.
    /// </summary>
    public static int TryReadSmallFile(string path, byte[] buffer)
    {
        if (!Supported)
            return -1;
        try
        {
            int fd;
            do fd = Open(path, OpenReadOnlyCloseOnExec);
            while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
            if (fd < 0)
                return -1;
            try
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
                            return total; // end of file
                        total += (int)n;
                    }
                }
                return -1; // the buffer is full: a larger file
            }
            finally
            {
                Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }
}
