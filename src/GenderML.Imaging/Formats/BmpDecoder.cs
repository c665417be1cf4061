using System.Buffers.Binary;

namespace GenderML.Imaging.Formats;

/// <summary>Decodes uncompressed Windows BMP: 8-bit palette, 24-bit BGR, 32-bit BGRX/BGRA (alpha dropped).</summary>
/// <remarks>BITMAPINFOHEADER layout (and its V4/V5 extensions, read the same way); RLE and other compressions are rejected. Managed.</remarks>
internal static class BmpDecoder
{
    /// <summary>Decodes <paramref name="data"/>, which starts with "BM".</summary>
    public static Image Decode(ReadOnlySpan<byte> data, ImageLoadOptions options, string name)
    {
        if (data.Length < 54)
            throw new ImageLoadException(name, $"truncated BMP header ({data.Length} bytes)");
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(10));
        int dibSize = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(14));
        if (dibSize < 40)
            throw new ImageLoadException(name, $"unsupported BMP header (size {dibSize})");
        int width = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(18));
        int rawHeight = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(22));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(28));
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(30));
        uint colorsUsed = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(46));
        bool topDown = rawHeight < 0;
        long height = Math.Abs((long)rawHeight);
        ImageLimits.Check(name, width, height, options);
        if (!(compression == 0 && bits is 8 or 24 or 32) && !(compression == 3 && bits == 32))
            throw new ImageLoadException(name, $"unsupported BMP ({bits} bits a pixel, compression {compression}); only uncompressed 8/24/32-bit");

        int h = (int)height;
        int stride = checked((int)(((long)width * bits / 8 + 3) & ~3L));
        if (offset > data.Length || data.Length - offset < (long)stride * h)
            throw new ImageLoadException(name, "truncated BMP pixel data");
        ReadOnlySpan<byte> palette = default;
        if (bits == 8)
        {
            int entries = colorsUsed is 0 or > 256 ? 256 : (int)colorsUsed;
            int paletteStart = 14 + dibSize;
            if (paletteStart + entries * 4 > offset)
                throw new ImageLoadException(name, "truncated BMP palette");
            palette = data.Slice(paletteStart, entries * 4);
        }

        byte[] rgb = new byte[checked(width * h * 3)];
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> row = data.Slice((int)offset + (topDown ? y : h - 1 - y) * stride, stride);
            Span<byte> dst = rgb.AsSpan(y * width * 3, width * 3);
            for (int x = 0; x < width; x++)
            {
                ReadOnlySpan<byte> bgr = bits switch
                {
                    8 => row[x] * 4 + 3 <= palette.Length ? palette.Slice(row[x] * 4, 3) : [0, 0, 0],
                    24 => row.Slice(x * 3, 3),
                    _ => row.Slice(x * 4, 3),
                };
                dst[x * 3] = bgr[2];
                dst[x * 3 + 1] = bgr[1];
                dst[x * 3 + 2] = bgr[0];
            }
        }
        Image image = new(width, h, PixelFormat.Rgb24, rgb);
        return options.Format == PixelFormat.Gray8 ? image.ConvertTo(PixelFormat.Gray8) : image;
    }
}
