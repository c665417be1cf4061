using System.Buffers.Binary;

namespace GenderML.Data;

/// <summary>
/// Reads an image file's format and stored size from its header only (JPEG SOF marker, PNG IHDR, BMP info
/// header, PNM header), without decoding pixels. Used for size summaries and the quick validation pass.
/// </summary>
internal static class ImageHeader
{
    private const int FirstRead = 64 * 1024;

    /// <summary>The width and height the header states, or an error reason in words.</summary>
    public static (int Width, int Height, string? Error) Read(string path)
    {
        try
        {
            if (Imaging.ImageFile.NotRegularReason(path) is { } notRegular) return (0, 0, notRegular);
            using var handle = File.OpenHandle(path);
            long length = RandomAccess.GetLength(handle);
            if (length == 0) return (0, 0, "empty file");
            byte[] buffer = new byte[(int)Math.Min(length, FirstRead)];
            int n = RandomAccess.Read(handle, buffer, 0);
            var result = Parse(buffer.AsSpan(0, n), complete: n == length);
            if (result.Error is not NeedMore) return result;
            buffer = new byte[(int)Math.Min(length, 256L << 20)];
            n = RandomAccess.Read(handle, buffer, 0);
            result = Parse(buffer.AsSpan(0, n), complete: true);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, 0, $"cannot read: {e.Message}");
        }
    }

    private const string NeedMore = "need more bytes";

    /// <summary>Parses a header from the file's first bytes; <paramref name="complete"/> says they are the whole file.</summary>
    internal static (int Width, int Height, string? Error) Parse(ReadOnlySpan<byte> head, bool complete)
    {
        int n = head.Length;
        if (n == 0) return (0, 0, "empty file");
        if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return Jpeg(head, complete);
        if (n >= 8 && head[..8].SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            if (n < 24) return (0, 0, "truncated PNG: ends inside the header");
            if (!head.Slice(12, 4).SequenceEqual("IHDR"u8)) return (0, 0, "PNG without IHDR chunk");
            return Checked(BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]), "PNG");
        }
        if (n >= 26 && head[0] == 'B' && head[1] == 'M')
            return Checked(BinaryPrimitives.ReadInt32LittleEndian(head[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[22..])), "BMP");
        if (n >= 2 && head[0] == 'P' && head[1] is (byte)'5' or (byte)'6')
            return Pnm(head[..Math.Min(n, 64)]);
        return (0, 0, Describe(head));
    }

    private static (int, int, string?) Checked(long width, long height, string format)
    {
        if (width is <= 0 or > 1 << 20 || height is <= 0 or > 1 << 20)
            return (0, 0, $"{format} header states an impossible size {width}x{height}");
        double limit = GenderML.Imaging.ImageLoadOptions.Default.MaxMegapixels;
        if (width * height > limit * 1e6)
            return (0, 0, $"{format} header claims {width}x{height} pixels, above the {limit:0.#}-megapixel limit");
        return ((int)width, (int)height, null);
    }

    private static (int, int, string?) Jpeg(ReadOnlySpan<byte> b, bool complete)
    {
        int p = 2;
        while (true)
        {
            if (p >= b.Length) return (0, 0, complete ? "truncated JPEG: no frame header (SOF) before the end of the file" : NeedMore);
            if (b[p] != 0xFF) return (0, 0, $"corrupt JPEG: expected a marker at byte {p}, found 0x{b[p]:X2}");
            while (p < b.Length && b[p] == 0xFF) p++;
            if (p >= b.Length) return (0, 0, complete ? "truncated JPEG: ends inside a marker" : NeedMore);
            int marker = b[p++];
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) continue; // markers without a length
            if (marker == 0xD9) return (0, 0, "corrupt JPEG: end of image before any frame header");
            if (p + 2 > b.Length) return (0, 0, complete ? "truncated JPEG: ends inside a segment length" : NeedMore);
            int length = BinaryPrimitives.ReadUInt16BigEndian(b[p..]);
            if (length < 2) return (0, 0, $"corrupt JPEG: segment 0xFF{marker:X2} has length {length}");
            bool sof = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (sof)
            {
                if (p + 7 > b.Length) return (0, 0, complete ? "truncated JPEG: ends inside the frame header" : NeedMore);
                int height = BinaryPrimitives.ReadUInt16BigEndian(b[(p + 3)..]), width = BinaryPrimitives.ReadUInt16BigEndian(b[(p + 5)..]);
                return Checked(width, height, "JPEG");
            }
            p += length;
            if (p > b.Length && complete) return (0, 0, "truncated JPEG: a segment runs past the end of the file");
        }
    }

    private static (int, int, string?) Pnm(ReadOnlySpan<byte> head)
    {
        var numbers = new List<long>();
        int i = 2;
        while (numbers.Count < 2 && i < head.Length)
        {
            if (head[i] == '#') { while (i < head.Length && head[i] != '\n') i++; continue; }
            if (head[i] is >= (byte)'0' and <= (byte)'9')
            {
                long v = 0;
                while (i < head.Length && head[i] is >= (byte)'0' and <= (byte)'9') v = Math.Min(v * 10 + head[i++] - '0', int.MaxValue);
                numbers.Add(v);
                continue;
            }
            i++;
        }
        return numbers.Count == 2 ? Checked(numbers[0], numbers[1], "PNM") : (0, 0, "PNM header too short");
    }

    /// <summary>"not a JPEG, PNG, BMP or PNM (starts with 0x3C 0x68 …)", naming HTML and text when recognisable.</summary>
    internal static string Describe(ReadOnlySpan<byte> head)
    {
        string bytes = string.Join(' ', head[..Math.Min(4, head.Length)].ToArray().Select(x => $"0x{x:X2}"));
        string what = head.Length > 0 && head[0] == '<' ? " — looks like HTML or XML saved with an image extension" : "";
        return $"not a JPEG, PNG, BMP or PNM (starts with {bytes}){what}";
    }
}
