using System.Runtime.InteropServices;

namespace GenderML.Imaging.Native;

/// <summary>What <c>stat(2)</c> says of a file: its type, identity (device, inode) and size.</summary>
internal readonly record struct FileStatus(FileKind Kind, ulong Device, ulong Inode, long Size)
{
    /// <summary>The type in words, for messages ("a FIFO", "a character device"…).</summary>
    public string Describe() => Kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.SymbolicLink => "a symbolic link",
        _ => "not a regular file",
    };
}

/// <summary>The file types of POSIX <c>st_mode</c>.</summary>
internal enum FileKind
{
    Other,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    SymbolicLink,
}

/// <summary>
/// <c>stat</c>, <c>lstat</c> and <c>fstat</c> from glibc/musl on Linux x64 and arm64, where <c>struct stat</c>'s layout is
/// fixed by the kernel ABI (x64: <c>st_mode</c> at byte 24; arm64: 16; both: <c>st_size</c> at 48). Elsewhere
/// <see cref="Supported"/> is false and callers use .NET's file API.
/// </summary>
internal static unsafe partial class FileStatusReader
{
    private const int StatBytes = 256;
    private const int EINTR = 4;

    public static readonly bool Supported = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private static readonly int ModeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LStat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* buffer);

    /// <summary>The status of <paramref name="path"/> (links followed unless <paramref name="followLinks"/> is false), or null.</summary>
    public static FileStatus? OfPath(string path, bool followLinks = true)
    {
        if (!Supported)
            return null;
        byte* buffer = stackalloc byte[StatBytes];
        try
        {
            int rc;
            do rc = followLinks ? Stat(path, buffer) : LStat(path, buffer);
            while (rc < 0 && Marshal.GetLastPInvokeError() == EINTR);
            return rc == 0 ? Parse(buffer) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The status of the open descriptor <paramref name="fd"/>, or null.</summary>
    public static FileStatus? OfDescriptor(int fd)
    {
        byte* buffer = stackalloc byte[StatBytes];
        try
        {
            return FStat(fd, buffer) == 0 ? Parse(buffer) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static FileStatus Parse(byte* buffer)
    {
        uint mode = *(uint*)(buffer + ModeOffset);
        FileKind kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
        return new FileStatus(kind, *(ulong*)buffer, *(ulong*)(buffer + 8), *(long*)(buffer + 48));
    }
}
