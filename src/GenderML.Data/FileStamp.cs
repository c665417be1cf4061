using System.Runtime.InteropServices;

namespace GenderML.Data;

/// <summary>
/// A file's length and last-write time in one system call: <c>statx(2)</c> on Linux (no managed path
/// normalisation, no <see cref="FileInfo"/>), <see cref="FileInfo"/> elsewhere. Used to decide whether a cached
/// sample is still the file's, so it must be cheap: the cached pass stats every file of the dataset.
/// </summary>
internal static unsafe partial class FileStamp
{
    private const int AtFdCwd = -100;
    private const uint StatxSize = 0x200, StatxMtime = 0x40;
    private const int StatxBufferSize = 256, SizeOffset = 40, MtimeOffset = 112;
    private static bool s_useStatx = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>(length, mtime in 100 ns ticks since 0001-01-01 UTC), or (-1, 0) when the file cannot be read.</summary>
    public static (long Length, long MtimeTicks) Of(string path)
    {
        if (s_useStatx)
        {
            try
            {
                return OfStatx(path);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_useStatx = false;
            }
        }
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : (-1, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (-1, 0);
        }
    }

    private static (long, long) OfStatx(string path)
    {
        byte* buffer = stackalloc byte[StatxBufferSize];
        if (Statx(AtFdCwd, path, 0, StatxSize | StatxMtime, buffer) != 0) return (-1, 0);
        long length = *(long*)(buffer + SizeOffset);
        long seconds = *(long*)(buffer + MtimeOffset);
        uint nanoseconds = *(uint*)(buffer + MtimeOffset + 8);
        return (length, DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + nanoseconds / 100);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
