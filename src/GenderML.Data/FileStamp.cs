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

    /// <summary>
    /// The stamps of many files, consecutive files of one folder sharing one open folder handle (the kernel then walks
    /// only the file name, not the whole path). Same values as <see cref="Of"/>.
    /// </summary>
    public static void OfMany(ReadOnlySpan<string> paths, Span<(long Length, long MtimeTicks)> stamps)
    {
        if (!s_useStatx)
        {
            for (int i = 0; i < paths.Length; i++) stamps[i] = Of(paths[i]);
            return;
        }
        int dirFd = -1;
        string? dir = null;
        try
        {
            for (int i = 0; i < paths.Length; i++)
            {
                string path = paths[i];
                int slash = path.LastIndexOf('/');
                if (slash <= 0) { stamps[i] = Of(path); continue; }
                if (dir is null || !path.AsSpan(0, slash).SequenceEqual(dir))
                {
                    if (dirFd >= 0) Close(dirFd);
                    dir = path[..slash];
                    dirFd = OpenDirectory(dir);
                }
                stamps[i] = dirFd >= 0 ? OfStatx(dirFd, path.AsSpan(slash + 1)) : Of(path);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_useStatx = false;
            for (int i = 0; i < paths.Length; i++) stamps[i] = Of(paths[i]);
        }
        finally
        {
            if (dirFd >= 0) Close(dirFd);
        }
    }

    private static (long, long) OfStatx(string path) => OfStatx(AtFdCwd, path);

    private static (long, long) OfStatx(int dirFd, ReadOnlySpan<char> name)
    {
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(name.Length) + 1;
        byte* utf8 = stackalloc byte[max <= 4096 ? max : 1];
        if (max > 4096) return (-1, 0);
        int n = System.Text.Encoding.UTF8.GetBytes(name, new Span<byte>(utf8, max - 1));
        utf8[n] = 0;
        byte* buffer = stackalloc byte[StatxBufferSize];
        if (Statx(dirFd, utf8, 0, StatxSize | StatxMtime, buffer) != 0) return (-1, 0);
        long length = *(long*)(buffer + SizeOffset);
        long seconds = *(long*)(buffer + MtimeOffset);
        uint nanoseconds = *(uint*)(buffer + MtimeOffset + 8);
        return (length, DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + nanoseconds / 100);
    }

    private static int OpenDirectory(string dir)
    {
        // O_RDONLY | O_DIRECTORY | O_CLOEXEC; O_DIRECTORY is 0200000 on x86-64, 040000 on arm64 (asm-generic).
        int oDirectory = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 0x10000 : 0x4000;
        return Open(dir, oDirectory | 0x80000);
    }

    [LibraryImport("libc", EntryPoint = "statx")]
    private static partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
