using System.Buffers.Binary;
using GenderML.Imaging;
using GenderML.Imaging.Native;

namespace GenderML.Imaging.Tests;

public sealed class BadInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genderml-imaging-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private ImageLoadException LoadFails(string fileName, byte[] bytes, ImageLoadOptions? options = null)
    {
        string path = Path.Combine(dir, fileName);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ImageLoadException>(() => Image.Load(path, options));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Throws<ImageLoadException>(() => Image.Load(bytes, options));
        return e;
    }

    [Fact]
    public void Empty_file() => Assert.Equal("empty file (0 bytes)", LoadFails("empty.jpg", []).Reason);

    [Fact]
    public void Html_saved_as_jpg() =>
        Assert.Equal("not a JPEG or PNG (starts with 0x3C 0x68)", LoadFails("photo.jpg", "<html><body>404</body></html>"u8.ToArray()).Reason);

    [Fact]
    public void Random_bytes()
    {
        Random random = new(42);
        for (int i = 0; i < 50; i++)
        {
            byte[] bytes = new byte[random.Next(1, 4000)];
            random.NextBytes(bytes);
            LoadFails($"random{i}.jpg", bytes);
        }
    }

    [Fact]
    public void Random_bytes_behind_a_JPEG_or_PNG_signature()
    {
        Random random = new(7);
        byte[][] heads = [[0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "BM"u8.ToArray(), "P6\n"u8.ToArray()];
        foreach (byte[] head in heads)
        {
            for (int i = 0; i < 30; i++)
            {
                byte[] bytes = new byte[random.Next(0, 3000) + head.Length];
                random.NextBytes(bytes);
                head.CopyTo(bytes, 0);
                LoadFails($"sig{i}.img", bytes);
            }
        }
    }

    [Theory]
    [InlineData("q95_444.jpg")]
    [InlineData("progressive.jpg")]
    [InlineData("gray.jpg")]
    [InlineData("rgb.png")]
    [InlineData("palette.png")]
    [InlineData("rgb.bmp")]
    [InlineData("rgb.ppm")]
    public void Truncated_files(string name)
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.PathOf(name));
        // Cuts inside the pixel data (a PNG cut only in its final IEND chunk still has all its pixels and decodes).
        foreach (double keep in new[] { 0.1, 0.5, 0.8 })
        {
            ImageLoadException e = LoadFails("cut-" + name, bytes[..(int)(bytes.Length * keep)]);
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        }
    }

    [Fact]
    public void Truncated_JPEG_says_so()
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.PathOf("q95_444.jpg"));
        Assert.Contains("truncated", LoadFails("cut.jpg", bytes[..(bytes.Length * 3 / 4)]).Reason);
    }

    [Fact]
    public void Huge_JPEG_header_is_rejected_before_decoding()
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.PathOf("q95_444.jpg"));
        int sof = FindMarker(bytes, 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), 65000); // height
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), 65000); // width
        Assert.Contains("exceeds the limit of 50 megapixels", LoadFails("huge.jpg", bytes).Reason);
        Assert.Contains("exceeds", LoadFails("huge2.jpg", File.ReadAllBytes(Fixtures.PathOf("q95_444.jpg")), new ImageLoadOptions { MaxMegapixels = 0.0005 }).Reason);
    }

    [Fact]
    public void Huge_PNG_header_is_rejected_before_decoding()
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.PathOf("rgb.png"));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), 100_000); // IHDR width
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), 100_000); // IHDR height
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        Assert.Contains("100000x100000 (10000 megapixels) exceeds the limit", LoadFails("huge.png", bytes).Reason);
    }

    [Fact]
    public void Missing_native_library_names_the_package()
    {
        var e = Assert.Throws<DllNotFoundException>(() => NativeLibraries.LoadFirst(["libnope-does-not-exist.so.0"], NativeLibraries.TurboJpegHint));
        Assert.StartsWith("libnope-does-not-exist.so.0 not found — install libturbojpeg0 (Debian/Ubuntu)", e.Message);
    }

    [Fact]
    public void Missing_file_is_an_IO_error() =>
        Assert.Throws<FileNotFoundException>(() => Image.Load(Path.Combine(dir, "none.jpg")));

    private static int FindMarker(byte[] jpeg, byte marker)
    {
        for (int i = 2; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
                return i;
        throw new InvalidOperationException("marker not found");
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
