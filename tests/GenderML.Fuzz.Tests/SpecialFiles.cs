using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace GenderML.Fuzz.Tests;

/// <summary>Things that are not plain image files but sit where one is expected: FIFOs, devices, loops, huge headers.</summary>
internal static partial class SpecialFiles
{
    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    /// <summary>Makes a FIFO at <paramref name="path"/>; false where that is not possible.</summary>
    public static bool Fifo(string path) => OperatingSystem.IsLinux() && MakeFifo(path, 0x1A4) == 0;

    /// <summary>
    /// Adds the special entries under <paramref name="folder"/> and returns their paths: a FIFO, links to /dev/zero and
    /// /dev/null, a folder named like an image, an empty file, a dangling link, an unreadable file, and images whose
    /// headers declare huge sizes.
    /// </summary>
    public static List<string> AddAll(string folder, byte[] png, byte[] jpeg)
    {
        var made = new List<string>();
        string P(string name) => Path.Combine(folder, name);
        if (Fifo(P("fifo.jpg"))) made.Add(P("fifo.jpg"));
        if (File.Exists("/dev/zero")) { File.CreateSymbolicLink(P("zero.jpg"), "/dev/zero"); made.Add(P("zero.jpg")); }
        if (File.Exists("/dev/null")) { File.CreateSymbolicLink(P("null.png"), "/dev/null"); made.Add(P("null.png")); }
        File.CreateSymbolicLink(P("dangling.jpg"), P("does-not-exist.jpg"));
        made.Add(P("dangling.jpg"));
        File.WriteAllBytes(P("empty.jpg"), []);
        made.Add(P("empty.jpg"));
        File.WriteAllBytes(P("unreadable.png"), png);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(P("unreadable.png"), UnixFileMode.None);
        made.Add(P("unreadable.png"));
        File.WriteAllBytes(P("huge.png"), HugePng(png));
        made.Add(P("huge.png"));
        File.WriteAllBytes(P("huge.jpg"), HugeJpeg(jpeg));
        made.Add(P("huge.jpg"));
        return made;
    }

    /// <summary>The PNG with IHDR saying 100,000 × 100,000 (CRC fixed, so only the size is wrong).</summary>
    public static byte[] HugePng(byte[] png)
    {
        byte[] b = (byte[])png.Clone();
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), Crc32.HashToUInt32(b.AsSpan(12, 17)));
        return b;
    }

    /// <summary>The JPEG with its frame header saying 65,535 × 65,535.</summary>
    public static byte[] HugeJpeg(byte[] jpeg)
    {
        byte[] b = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < b.Length; i++)
            if (b[i] == 0xFF && b[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 5), 65535);
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 7), 65535);
                break;
            }
        return b;
    }
}
