using System.Runtime.InteropServices;

namespace GenderML.Transfer;

/// <summary>
/// Embeddings on disk, keyed by the sha256 of an image file's bytes: one append-only file per network and
/// preprocessing (<c>embeddings/{key}.f32</c>), records of 32 hash bytes then <c>Length</c> little-endian floats.
/// A torn last record (an interrupted run) is ignored.
/// </summary>
internal sealed class EmbeddingCache
{
    private readonly Dictionary<string, float[]> _entries = new(StringComparer.Ordinal);
    private readonly string _file;

    public EmbeddingCache(string folder, string key, int length)
    {
        Length = length;
        Directory.CreateDirectory(Path.Combine(folder, "embeddings"));
        _file = Path.Combine(folder, "embeddings", key + ".f32");
        if (!File.Exists(_file)) return;
        byte[] bytes = File.ReadAllBytes(_file);
        int record = 32 + 4 * length;
        for (int at = 0; at + record <= bytes.Length; at += record)
            _entries[Convert.ToHexStringLower(bytes.AsSpan(at, 32))] = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(at + 32, 4 * length)).ToArray();
    }

    /// <summary>Floats per embedding.</summary>
    public int Length { get; }

    /// <summary>The cache file.</summary>
    public string FilePath => _file;

    public int Count => _entries.Count;

    public bool TryGet(string hash, out float[] embedding) => _entries.TryGetValue(hash, out embedding!);

    /// <summary>Adds the embeddings and appends them to the file.</summary>
    public void Add(IReadOnlyList<(string Hash, float[] Embedding)> entries)
    {
        if (entries.Count == 0) return;
        using var stream = new FileStream(_file, FileMode.Append, FileAccess.Write, FileShare.Read);
        foreach (var (hash, embedding) in entries)
        {
            if (embedding.Length != Length) throw new ArgumentException($"embedding of {embedding.Length} floats, expected {Length}");
            if (!_entries.TryAdd(hash, embedding)) continue;
            stream.Write(Convert.FromHexString(hash));
            stream.Write(MemoryMarshal.AsBytes(embedding.AsSpan()));
        }
    }
}
