using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace GenderML.Data;

public sealed partial class PixelCache
{
    // File layout (little-endian):
    //   [0, 4096)        header: magic "GMLPIXC1", version, size, channels, mode, count, bytesPerImage,
    //                    pixelsOffset, indexOffset, indexLength, settings key (UTF-8, length-prefixed)
    //   [pixelsOffset,   count · bytesPerImage bytes: the samples in entry order (zeros for failed entries)
    //   [indexOffset,    count entries: path (length-prefixed UTF-8), length, mtime ticks, hash (16 bytes),
    //                    error (length-prefixed UTF-8; empty = decoded), xxHash64 of the entry's sample bytes
    //   header[1024..1032) xxHash64 of the index bytes; header[1032..1040) xxHash64 of header[0..1024)
    // The header is written last, so a file cut short by a crash has no valid magic and is rebuilt. A header or index
    // whose checksum fails is rebuilt from scratch; a sample whose checksum fails is decoded again.
    internal const int HeaderSize = 4096;
    // Bumped whenever decoding or preprocessing changes the pixels a file gives, so older caches are rebuilt:
    // 2 = JPEGs are no longer decoded at n/8 scales without SIMD IDCTs (5/8, 6/8, 7/8); 3 = xxHash64 checksums.
    internal const int FormatVersion = 3;
    private const int IndexChecksumOffset = 1024;
    private const int HeaderChecksumOffset = 1032;
    private static readonly byte[] Magic = "GMLPIXC1"u8.ToArray();

    internal sealed record Header(int Count, int BytesPerImage, long PixelsOffset, long IndexOffset, long IndexLength, string SettingsKey)
    {
        /// <summary>The xxHash64 of the index bytes.</summary>
        public ulong IndexChecksum { get; init; }
    }

    internal static byte[] WriteHeader(Header h, PreprocessOptions o)
    {
        var b = new byte[HeaderSize];
        Magic.CopyTo(b, 0);
        var s = b.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], o.Size);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], o.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[20..], (int)o.Mode);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], h.Count);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], h.BytesPerImage);
        BinaryPrimitives.WriteInt64LittleEndian(s[32..], h.PixelsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(s[40..], h.IndexOffset);
        BinaryPrimitives.WriteInt64LittleEndian(s[48..], h.IndexLength);
        byte[] key = Encoding.UTF8.GetBytes(h.SettingsKey);
        BinaryPrimitives.WriteInt32LittleEndian(s[56..], key.Length);
        key.CopyTo(s[60..]);
        BinaryPrimitives.WriteUInt64LittleEndian(s[IndexChecksumOffset..], h.IndexChecksum);
        BinaryPrimitives.WriteUInt64LittleEndian(s[HeaderChecksumOffset..], XxHash64.HashToUInt64(s[..(IndexChecksumOffset + 8)]));
        return b;
    }

    /// <summary>The header, or null when the bytes are not a cache of this version and these settings.</summary>
    internal static Header? ReadHeader(ReadOnlySpan<byte> s, PreprocessOptions o, long fileLength)
    {
        if (s.Length < HeaderSize || !s[..8].SequenceEqual(Magic)) return null;
        if (BinaryPrimitives.ReadInt32LittleEndian(s[8..]) != FormatVersion) return null;
        if (BinaryPrimitives.ReadUInt64LittleEndian(s[HeaderChecksumOffset..]) != XxHash64.HashToUInt64(s[..(IndexChecksumOffset + 8)]))
            throw new InvalidDataException("its header fails its checksum");
        if (BinaryPrimitives.ReadInt32LittleEndian(s[12..]) != o.Size || BinaryPrimitives.ReadInt32LittleEndian(s[16..]) != o.Channels
            || BinaryPrimitives.ReadInt32LittleEndian(s[20..]) != (int)o.Mode) return null;
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(s[56..]);
        if (keyLength is < 0 or > 1024) return null;
        var h = new Header(BinaryPrimitives.ReadInt32LittleEndian(s[24..]), BinaryPrimitives.ReadInt32LittleEndian(s[28..]),
            BinaryPrimitives.ReadInt64LittleEndian(s[32..]), BinaryPrimitives.ReadInt64LittleEndian(s[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(s[48..]), Encoding.UTF8.GetString(s.Slice(60, keyLength)))
        {
            IndexChecksum = BinaryPrimitives.ReadUInt64LittleEndian(s[IndexChecksumOffset..]),
        };
        if (h.SettingsKey != o.Key || h.BytesPerImage != o.BytesPerImage || h.Count < 0) return null;
        if (h.PixelsOffset != HeaderSize || h.IndexOffset != h.PixelsOffset + (long)h.Count * h.BytesPerImage
            || h.IndexOffset + h.IndexLength != fileLength) return null;
        return h;
    }

    internal static byte[] WriteIndex(IReadOnlyList<Entry> entries)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            Span<byte> hash = stackalloc byte[16];
            foreach (var e in entries)
            {
                w.Write(e.Path);
                w.Write(e.Length);
                w.Write(e.MtimeTicks);
                BinaryPrimitives.WriteUInt128LittleEndian(hash, e.Hash);
                w.Write(hash);
                w.Write(e.Error ?? "");
                w.Write(e.SampleChecksum);
            }
        }
        return ms.ToArray();
    }

    /// <summary>The entries of an index whose bytes passed their checksum.</summary>
    /// <exception cref="InvalidDataException">The bytes fail <paramref name="checksum"/> or do not hold <paramref name="count"/> entries.</exception>
    internal static Entry[] ReadIndex(ReadOnlySpan<byte> bytes, int count, ulong checksum)
    {
        if (XxHash64.HashToUInt64(bytes) != checksum) throw new InvalidDataException("its index fails its checksum");
        var entries = new Entry[count];
        using var r = new BinaryReader(new MemoryStream(bytes.ToArray()), Encoding.UTF8);
        for (int i = 0; i < count; i++)
        {
            string path = r.ReadString();
            long length = r.ReadInt64(), mtime = r.ReadInt64();
            var hash = BinaryPrimitives.ReadUInt128LittleEndian(r.ReadBytes(16));
            string error = r.ReadString();
            ulong sample = r.ReadUInt64();
            entries[i] = new Entry(path, length, mtime, hash, error.Length == 0 ? null : error) { SampleChecksum = sample };
        }
        return entries;
    }
}
