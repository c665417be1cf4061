using System.Buffers.Binary;
using System.IO.Compression;
using GenderML.Imaging.Processing;

namespace GenderML.Imaging.Png;

/// <summary>
/// Decodes a large PNG row by row straight into a k-times smaller image (each output pixel the rounded mean of a
/// k×k box; edge boxes average what they hold), so a 50-megapixel PNG never exists at full size in memory.
/// Used when a target size is set, the image has at least <see cref="MinPixels"/> pixels and k ≥ 2; only for plain
/// PNGs: 8-bit samples, not interlaced, no gAMA/cHRM/iCCP (which libpng would colour-convert). Everything else is
/// decoded whole by <see cref="PngDecoder"/>.
/// </summary>
/// <remarks>
/// The inflate is .NET's zlib (<see cref="ZLibStream"/>), the row filters are PNG's five (spec section 9,
/// https://www.w3.org/TR/png-3/#9Filters). Alpha is dropped and colour becomes gray as <see cref="PngDecoder"/> does.
/// </remarks>
internal static unsafe class PngRowReducer
{
    /// <summary>Images with fewer pixels are decoded whole, as before, so ordinary photos give the same pixels.</summary>
    public const long MinPixels = 16_000_000;

    /// <summary>The reduced image, or null when this PNG is not one the reducer handles (the caller decodes it whole).</summary>
    /// <exception cref="ImageLoadException">The PNG is corrupt or truncated.</exception>
    public static Image? TryDecode(ReadOnlySpan<byte> png, ImageLoadOptions options, string name, long minPixels = MinPixels)
    {
        if (options.MinWidth <= 0 && options.MinHeight <= 0) return null;
        if (png.Length < 33 || BinaryPrimitives.ReadUInt32BigEndian(png[12..]) != 0x49484452) return null; // IHDR first
        long w = BinaryPrimitives.ReadUInt32BigEndian(png[16..]), h = BinaryPrimitives.ReadUInt32BigEndian(png[20..]);
        int depth = png[24], type = png[25], interlace = png[28];
        if (depth != 8 || type is not (0 or 2 or 3 or 4 or 6) || interlace != 0 || w * h < minPixels) return null;
        ImageLimits.Check(name, w, h, options);
        int k = (int)Math.Min(w / Math.Max(1, options.MinWidth), h / Math.Max(1, options.MinHeight));
        if (k < 2) return null;

        var idat = new List<(int Offset, int Length)>();
        byte[]? palette = null;
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(png[at..]), int.MaxValue);
            uint chunk = BinaryPrimitives.ReadUInt32BigEndian(png[(at + 4)..]);
            if (length > png.Length - at - 12) throw new ImageLoadException(name, "truncated PNG (a chunk runs past the end)");
            switch (chunk)
            {
                case 0x67414D41 or 0x6348524D or 0x69434350: return null; // gAMA, cHRM, iCCP: libpng converts colour
                case 0x504C5445: palette = png.Slice(at + 8, length).ToArray(); break; // PLTE
                case 0x49444154: idat.Add((at + 8, length)); break; // IDAT
            }
            if (chunk == 0x49454E44) break; // IEND
            at += 12 + length;
        }
        if (idat.Count == 0) throw new ImageLoadException(name, "corrupt PNG (no image data)");
        if (type == 3 && palette is null) throw new ImageLoadException(name, "corrupt PNG (palette image without PLTE)");

        bool color = (type & 2) != 0;
        PixelFormat format = options.Format ?? (color ? PixelFormat.Rgb24 : PixelFormat.Gray8);
        fixed (byte* start = png)
        {
            using var stream = new ZLibStream(new ChunkStream(start, idat), CompressionMode.Decompress);
            try
            {
                return Reduce(stream, (int)w, (int)h, type, palette, k, format);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                throw new ImageLoadException(name, $"corrupt or truncated PNG ({e.Message})");
            }
        }
    }

    private static Image Reduce(Stream stream, int w, int h, int type, byte[]? palette, int k, PixelFormat format)
    {
        int bpp = type switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 }, stride = w * bpp, ch = (int)format;
        int outW = (w + k - 1) / k, outH = (h + k - 1) / k;
        byte[] output = new byte[checked(outW * outH * ch)];
        var previous = new byte[stride];
        var current = new byte[stride];
        var sums = new long[outW * ch];
        Span<byte> filter = stackalloc byte[1];
        for (int y = 0; y < h; y++)
        {
            stream.ReadExactly(filter);
            stream.ReadExactly(current);
            Unfilter(filter[0], current, previous, bpp);
            Accumulate(current, w, type, bpp, palette, k, format, sums);
            if (y % k == k - 1 || y == h - 1)
            {
                int rows = y % k + 1, oy = y / k;
                for (int ox = 0; ox < outW; ox++)
                {
                    long count = (long)rows * Math.Min(k, w - ox * k);
                    for (int c = 0; c < ch; c++)
                        output[(oy * outW + ox) * ch + c] = (byte)((sums[ox * ch + c] + count / 2) / count);
                }
                Array.Clear(sums);
            }
            (previous, current) = (current, previous);
        }
        return new Image(outW, outH, format, output);
    }

    /// <summary>Undoes a row's filter in place (None, Sub, Up, Average, Paeth).</summary>
    internal static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> up, int bpp)
    {
        switch (filter)
        {
            case 0: return;
            case 1: for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp]; return;
            case 2: for (int i = 0; i < row.Length; i++) row[i] += up[i]; return;
            case 3:
                for (int i = 0; i < row.Length; i++) row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + up[i]) >> 1);
                return;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
                return;
            default: throw new InvalidDataException($"unknown row filter {filter}");
        }
    }

    /// <summary>Adds the row's pixels (alpha dropped, in <paramref name="format"/>) to the sums of their output columns.</summary>
    private static void Accumulate(ReadOnlySpan<byte> row, int w, int type, int bpp, byte[]? palette, int k, PixelFormat format, long[] sums)
    {
        int ch = (int)format;
        for (int x = 0; x < w; x++)
        {
            int r, g, b, i = x * bpp;
            if (type == 3)
            {
                int index = row[i] * 3;
                (r, g, b) = index + 2 < palette!.Length ? (palette[index], palette[index + 1], palette[index + 2]) : (0, 0, 0);
            }
            else if (bpp >= 3) (r, g, b) = (row[i], row[i + 1], row[i + 2]);
            else r = g = b = row[i];
            int o = x / k * ch;
            if (ch == 3)
            {
                sums[o] += r;
                sums[o + 1] += g;
                sums[o + 2] += b;
            }
            else
            {
                sums[o] += type is 0 or 4 ? r
                    : (r * ColorConversion.WeightR + g * ColorConversion.WeightG + b * ColorConversion.WeightB + 0x8000) >> 16;
            }
        }
    }

    /// <summary>The IDAT chunks' data read one after another, straight from the pinned file bytes.</summary>
    private sealed class ChunkStream(byte* start, List<(int Offset, int Length)> chunks) : Stream
    {
        private int _chunk, _within;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_chunk < chunks.Count && _within == chunks[_chunk].Length) (_chunk, _within) = (_chunk + 1, 0);
            if (_chunk == chunks.Count) return 0;
            var (offset, length) = chunks[_chunk];
            int n = Math.Min(buffer.Length, length - _within);
            new ReadOnlySpan<byte>(start + offset + _within, n).CopyTo(buffer);
            _within += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
