using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GenderML.Transfer;

/// <summary>
/// Frozen-prefix feature maps on disk for fine-tuning, keyed by the sha256 of an image file's bytes: one append-only file
/// per preprocessing (<c>prefixes/{key}.f16</c>), records of 32 hash bytes then <c>Length</c> little-endian float16 values.
/// Only the hashes are read on open; a record's values are read from the file when asked for. A torn last record is ignored.
/// </summary>
internal sealed class PrefixCache
{
    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private readonly string _file;
    private readonly int _record;

    public PrefixCache(string folder, string key, int length)
    {
        Length = length;
        _record = 32 + 2 * length;
        Directory.CreateDirectory(Path.Combine(folder, "prefixes"));
        _file = Path.Combine(folder, "prefixes", key + ".f16");
        if (!File.Exists(_file)) return;
        using var handle = File.OpenHandle(_file);
        long size = RandomAccess.GetLength(handle);
        Span<byte> hash = stackalloc byte[32];
        for (long at = 0; at + _record <= size; at += _record)
        {
            RandomAccess.Read(handle, hash, at);
            _offsets.TryAdd(Convert.ToHexStringLower(hash), at + 32);
        }
    }

    /// <summary>Values per record.</summary>
    public int Length { get; }

    public int Count => _offsets.Count;

    public bool Contains(string hash) => _offsets.ContainsKey(hash);

    /// <summary>The values stored for each hash (null where absent), read with one file handle.</summary>
    public Half[]?[] Read(IReadOnlyList<string?> hashes)
    {
        var result = new Half[]?[hashes.Count];
        if (_offsets.Count == 0) return result;
        using SafeFileHandle handle = File.OpenHandle(_file);
        for (int i = 0; i < hashes.Count; i++)
        {
            if (hashes[i] is not { } h || !_offsets.TryGetValue(h, out long at)) continue;
            var values = new Half[Length];
            RandomAccess.Read(handle, MemoryMarshal.AsBytes(values.AsSpan()), at);
            result[i] = values;
        }
        return result;
    }

    /// <summary>Appends the records whose hash is new.</summary>
    public void Add(IReadOnlyList<(string Hash, Half[] Values)> entries)
    {
        if (entries.Count == 0) return;
        using var stream = new FileStream(_file, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        long at = stream.Length - stream.Length % _record;
        if (at != stream.Length) stream.SetLength(at); // a torn record from an interrupted run: cut off so new records stay aligned
        stream.Position = at;
        foreach (var (hash, values) in entries)
        {
            if (values.Length != Length) throw new ArgumentException($"a prefix of {values.Length} values, expected {Length}");
            if (_offsets.ContainsKey(hash)) continue;
            stream.Write(Convert.FromHexString(hash));
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            _offsets[hash] = at + 32;
            at += _record;
        }
    }
}
