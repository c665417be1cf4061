using System.Runtime.InteropServices;

namespace GenderML.Imaging.Tests;

/// <summary>
/// Files that are not regular files, or are too large, are refused with their type named: never opened for a
/// blocking read (a FIFO), never read without end (a link to /dev/zero), never read past the byte limit.
/// </summary>
public sealed partial class SpecialFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genderml-special-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    /// <summary>A FIFO named like an image, or null where FIFOs cannot be made (then the test has nothing to check).</summary>
    internal static string? Fifo(string dir, string name = "pipe.jpg")
    {
        if (!OperatingSystem.IsLinux()) return null;
        string path = Path.Combine(dir, name);
        return MakeFifo(path, 0x1A4) == 0 ? path : null; // 0644
    }

    [Fact]
    public void A_fifo_is_refused_without_waiting_for_a_writer()
    {
        if (Fifo(_dir) is not { } fifo) return;
        var e = Assert.Throws<ImageLoadException>(() => Image.Load(fifo));
        Assert.Contains("FIFO", e.Reason, StringComparison.Ordinal);
        e = Assert.Throws<ImageLoadException>(() => ImageFile.ReadAllBytes(fifo));
        Assert.Contains("not a regular file", ImageFile.NotRegularReason(fifo), StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_to_dev_zero_is_refused_not_read_until_memory_runs_out()
    {
        if (!File.Exists("/dev/zero")) return;
        string link = Path.Combine(_dir, "x.jpg");
        File.CreateSymbolicLink(link, "/dev/zero");
        var e = Assert.Throws<ImageLoadException>(() => Image.Load(link));
        Assert.Contains("character device", e.Reason, StringComparison.Ordinal);
        Assert.Throws<ImageLoadException>(() => Image.LoadResized(link, 8, 8, PixelFormat.Gray8));
    }

    [Fact]
    public void A_file_above_the_byte_limit_is_refused_before_decoding()
    {
        string path = Path.Combine(_dir, "big.png");
        File.WriteAllBytes(path, new byte[5000]);
        var e = Assert.Throws<ImageLoadException>(() => Image.Load(path, new ImageLoadOptions { MaxFileBytes = 4096 }));
        Assert.Contains("MaxFileBytes", e.Reason, StringComparison.Ordinal);
        Assert.Throws<ImageLoadException>(() => ImageFile.ReadAllBytes(path, 4999));
        Assert.Equal(5000, ImageFile.ReadAllBytes(path, 5000).Length);
    }

    [Fact]
    public void A_link_to_a_regular_image_is_read_through()
    {
        string target = Fixtures.PathOf("rgb.png");
        string link = Path.Combine(_dir, "link.png");
        File.CreateSymbolicLink(link, target);
        Assert.Null(ImageFile.NotRegularReason(link));
        Assert.Equal(File.ReadAllBytes(target), ImageFile.ReadAllBytes(link));
        Assert.Equal(Image.Load(target).Pixels, Image.Load(link).Pixels);
    }

    [Fact]
    public void A_name_that_is_not_utf8_gets_a_message_that_says_so()
    {
        var e = Assert.Throws<ImageLoadException>(() => Image.Load(Path.Combine(_dir, "caf\uFFFD.jpg")));
        Assert.Contains("not valid UTF-8", e.Reason, StringComparison.Ordinal);
    }
}
