using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace GenderML.Data;

internal sealed partial class FeatureCache
{
    // File layout (little-endian; see README.md "The feature cache"):
    //   header   "GMLFEAT1", version i32, element size i32, values per sample i32, settings key (i32 length + UTF-8),
    //            xxHash64 of the bytes before it; zero-padded to a multiple of 64 bytes
    //   segment  "GMLSEGM1", values length i64, index length i64, entry count i32, 4 zero bytes,
    //            xxHash64 of the index, xxHash64 of the 40 bytes before it; zero-padded to 64 bytes
    //            then the values block, then the index: per entry path (7-bit length + UTF-8), length i64,
    //            mtime ticks i64, content hash (16 bytes), error (7-bit length + UTF-8; empty = none),
    //            values offset i64 (absolute; -1 for an error), xxHash64 of the values
    //   segment  … appended by later runs; an entry may point at values of an earlier segment (a touched or moved
    //            file), and a later entry for the same path or content replaces an earlier one.
    internal const int FormatVersion = 1;
    internal const int SegmentHeaderSize = 64;
    private const int Alignment = 64;
    private static readonly byte[] FileMagic = "GMLFEAT1"u8.ToArray();
    private static readonly byte[] SegmentMagic = "GMLSEGM1"u8.ToArray();

    /// <summary>What the first bytes of a cache file are.</summary>
    private enum HeaderKind { Valid, Foreign, Damaged }

    private byte[] WriteHeader()
    {
        byte[] key = Encoding.UTF8.GetBytes(SettingsKey);
        int used = 24 + key.Length + 8;
        var b = new byte[(used + Alignment - 1) / Alignment * Alignment];
        var s = b.AsSpan();
        FileMagic.CopyTo(b, 0);
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], (int)Element);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], ValuesPerSample);
        BinaryPrimitives.WriteInt32LittleEndian(s[20..], key.Length);
        key.CopyTo(s[24..]);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(24 + key.Length)..], XxHash64.HashToUInt64(s[..(24 + key.Length)]));
        return b;
    }

    /// <summary>
    /// Reads the header: <see cref="HeaderKind.Valid"/> (with its length) for this version, element type, length and
    /// settings; <see cref="HeaderKind.Foreign"/> for another version or settings; <see cref="HeaderKind.Damaged"/>
    /// otherwise.
    /// </summary>
    private HeaderKind ReadHeader(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long fileLength, out long headerLength)
    {
        headerLength = 0;
        Span<byte> fixedPart = stackalloc byte[24];
        if (fileLength < 24 || RandomAccess.Read(handle, fixedPart, 0) < 24 || !fixedPart[..8].SequenceEqual(FileMagic)) return HeaderKind.Damaged;
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[20..]);
        if (keyLength is < 0 or > 4096 || 24 + keyLength + 8 > fileLength) return HeaderKind.Damaged;
        var all = new byte[24 + keyLength + 8];
        if (RandomAccess.Read(handle, all, 0) < all.Length) return HeaderKind.Damaged;
        var s = all.AsSpan();
        if (BinaryPrimitives.ReadUInt64LittleEndian(s[(24 + keyLength)..]) != XxHash64.HashToUInt64(s[..(24 + keyLength)])) return HeaderKind.Damaged;
        if (BinaryPrimitives.ReadInt32LittleEndian(s[8..]) != FormatVersion || BinaryPrimitives.ReadInt32LittleEndian(s[12..]) != (int)Element
            || BinaryPrimitives.ReadInt32LittleEndian(s[16..]) != ValuesPerSample || Encoding.UTF8.GetString(s.Slice(24, keyLength)) != SettingsKey)
            return HeaderKind.Foreign;
        headerLength = (all.Length + Alignment - 1) / Alignment * Alignment;
        return HeaderKind.Valid;
    }

    /// <summary>
    /// A whole segment: header, <paramref name="values"/>, and the index of <paramref name="entries"/>.
    /// </summary>
    private static byte[] WriteSegment(ReadOnlySpan<byte> values, IReadOnlyList<FeatureEntry> entries)
    {
        using var ms = new MemoryStream();
        ms.Write(new byte[SegmentHeaderSize]);
        ms.Write(values);
        long indexStart = ms.Position;
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
                w.Write(e.Offset);
                w.Write(e.Checksum);
            }
        }
        byte[] b = ms.ToArray();
        var s = b.AsSpan();
        SegmentMagic.CopyTo(s);
        BinaryPrimitives.WriteInt64LittleEndian(s[8..], values.Length);
        BinaryPrimitives.WriteInt64LittleEndian(s[16..], b.Length - indexStart);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], entries.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], XxHash64.HashToUInt64(s[(int)indexStart..]));
        BinaryPrimitives.WriteUInt64LittleEndian(s[40..], XxHash64.HashToUInt64(s[..40]));
        return b;
    }

    /// <summary>
    /// The segment header at the start of <paramref name="s"/>, or null when it is not one (damaged).
    /// </summary>
    private static (long ValuesLength, long IndexLength, int Count, ulong IndexChecksum)? ReadSegmentHeader(ReadOnlySpan<byte> s)
    {
        if (!s[..8].SequenceEqual(SegmentMagic) || BinaryPrimitives.ReadUInt64LittleEndian(s[40..]) != XxHash64.HashToUInt64(s[..40])) return null;
        long values = BinaryPrimitives.ReadInt64LittleEndian(s[8..]), index = BinaryPrimitives.ReadInt64LittleEndian(s[16..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(s[24..]);
        if (values < 0 || index < 0 || index > int.MaxValue || count < 0) return null;
        return (values, index, count, BinaryPrimitives.ReadUInt64LittleEndian(s[32..]));
    }

    /// <summary>
    /// The entries of an index whose checksum passed; values offsets must lie in [<paramref name="valuesStart"/>,
    /// <paramref name="valuesEnd"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">An entry runs past the index or points outside the values.</exception>
    private List<FeatureEntry> ReadIndex(ReadOnlySpan<byte> s, int count, long valuesStart, long valuesEnd)
    {
        var entries = new List<FeatureEntry>(count);
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            string path = ReadString(s, ref at);
            if (at + 32 > s.Length) throw new InvalidDataException($"entry {i} runs past the index");
            long length = BinaryPrimitives.ReadInt64LittleEndian(s[at..]), mtime = BinaryPrimitives.ReadInt64LittleEndian(s[(at + 8)..]);
            var hash = BinaryPrimitives.ReadUInt128LittleEndian(s[(at + 16)..]);
            at += 32;
            string error = ReadString(s, ref at);
            if (at + 16 > s.Length) throw new InvalidDataException($"entry {i} runs past the index");
            long offset = BinaryPrimitives.ReadInt64LittleEndian(s[at..]);
            ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(s[(at + 8)..]);
            at += 16;
            bool ok = error.Length > 0 ? offset == -1 : offset >= valuesStart && offset + SampleBytes <= valuesEnd;
            if (!ok) throw new InvalidDataException($"entry {i} points outside the file");
            entries.Add(new FeatureEntry(path, length, mtime, hash, error.Length == 0 ? null : error, offset, checksum));
        }
        return entries;
    }

    /// <summary>
    /// A string as <see cref="BinaryWriter.Write(string)"/> writes it: a 7-bit-encoded byte length, then UTF-8.
    /// </summary>
    private static string ReadString(ReadOnlySpan<byte> s, ref int at)
    {
        int length = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (at >= s.Length || shift > 28) throw new InvalidDataException("a string length runs past the index");
            byte b = s[at++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        if (length < 0 || at + length > s.Length) throw new InvalidDataException("a string runs past the index");
        string text = length == 0 ? "" : Encoding.UTF8.GetString(s.Slice(at, length));
        at += length;
        return text;
    }
}
