using System.Globalization;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace GenderML.Data;

/// <summary>
/// A disk cache of fixed-length values computed from files (preprocessed pixels, embeddings, network feature maps):
/// one file per settings key, an entry per file keyed by its identity (path, length, mtime) and by its content hash.
/// Runs append segments, each with its own checksummed index, so an interrupted run loses at most its last segment;
/// <see cref="Fill"/> is the one step that finds the files the cache lacks, computes and appends them.
/// </summary>
/// <remarks>
/// Recovery: a damaged or foreign header makes a new file (a damaged one with a warning); a damaged segment ends the
/// readable part there (later segments are dropped with a warning and recomputed); a damaged index drops that
/// segment's entries (warning); values that fail their xxHash64 are recomputed (warning). Writers hold an exclusive
/// lock (<c>.locks/{name}.lock</c> beside the file) while they compute and append, so a second process filling the same
/// file waits and then finds the first one's values; readers hold a shared one while they read the index. Values
/// already appended are never rewritten, so a reader may keep the file mapped while another process appends.
/// </remarks>
internal sealed partial class FeatureCache : IDisposable
{
    private readonly List<FeatureEntry> _entries = [];
    private readonly Dictionary<string, FeatureEntry> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<UInt128, FeatureEntry> _byHash = [];
    private readonly HashSet<long> _corrupt = [];
    private readonly List<string> _loadNotes = [];
    private readonly Action<string>? _warnings;
    private SafeFileHandle? _reader;
    private long _validEnd;   // 0: no usable header (the file is absent, foreign or damaged)
    private bool _rebuild;    // the file exists but cannot be appended to
    private bool _byHashBuilt;

    /// <summary>
    /// A cache in <paramref name="file"/> of <paramref name="valuesPerSample"/> values of <paramref name="element"/>
    /// per file.
    /// </summary>
    public FeatureCache(string file, FeatureElement element, int valuesPerSample, string settingsKey, Action<string>? warnings)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valuesPerSample);
        FilePath = file;
        Element = element;
        ValuesPerSample = valuesPerSample;
        SettingsKey = settingsKey;
        _warnings = warnings;
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>The element type of the values.</summary>
    public FeatureElement Element { get; }

    /// <summary>Values per file.</summary>
    public int ValuesPerSample { get; }

    /// <summary>
    /// The identity of the computation (preprocessing, extractor): a file of another key is not used.
    /// </summary>
    public string SettingsKey { get; }

    /// <summary>Bytes of one file's values.</summary>
    public int SampleBytes => ValuesPerSample * (int)Element;

    /// <summary>Reads the file's header and indexes (under a lock held by the caller).</summary>
    private void Load()
    {
        _entries.Clear();
        _byPath.Clear();
        _byHash.Clear();
        _byHashBuilt = false;
        _corrupt.Clear();
        _loadNotes.Clear();
        _validEnd = 0;
        _rebuild = false;
        if (!File.Exists(FilePath)) return;
        using var handle = File.OpenHandle(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(handle);
        var kind = ReadHeader(handle, length, out long at);
        if (kind != HeaderKind.Valid)
        {
            _rebuild = true;
            if (kind == HeaderKind.Damaged) _loadNotes.Add($"{FilePath}: the cache file's header is damaged; building it again");
            return;
        }
        _validEnd = at;
        var segmentHeader = new byte[SegmentHeaderSize];
        while (at < length)
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"{FilePath}: the cache segment at byte {at:N0}");
            if (length - at < SegmentHeaderSize)
            {
                _loadNotes.Add($"{where} is incomplete (an interrupted run); its files are computed again");
                break;
            }
            RandomAccess.Read(handle, segmentHeader, at);
            if (ReadSegmentHeader(segmentHeader) is not { } s)
            {
                _loadNotes.Add(string.Create(CultureInfo.InvariantCulture, $"{where} is damaged; it and the {length - at:N0} bytes after it are dropped and computed again"));
                break;
            }
            long valuesStart = at + SegmentHeaderSize, indexStart = valuesStart + s.ValuesLength, end = indexStart + s.IndexLength;
            if (end > length || end < at)
            {
                _loadNotes.Add($"{where} is incomplete (an interrupted run); its files are computed again");
                break;
            }
            var index = new byte[s.IndexLength];
            RandomAccess.Read(handle, index, indexStart);
            List<FeatureEntry>? entries = null;
            try
            {
                if (XxHash64.HashToUInt64(index) == s.IndexChecksum) entries = ReadIndex(index, s.Count, HeaderEnd, indexStart);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                entries = null;
            }
            if (entries is null)
                _loadNotes.Add(string.Create(CultureInfo.InvariantCulture, $"{where} has a damaged index; its {s.Count} file(s) are computed again"));
            else
                foreach (var e in entries) Add(e);
            at = end;
            _validEnd = at;
        }
    }

    /// <summary>Where the values of the first segment may start: just after the header.</summary>
    private long HeaderEnd => (24 + System.Text.Encoding.UTF8.GetByteCount(SettingsKey) + 8 + Alignment - 1) / Alignment * Alignment;

    private void Add(FeatureEntry e)
    {
        _entries.Add(e);
        _byPath[e.Path] = e;
        if (_byHashBuilt && e.Hash != default) _byHash[e.Hash] = e;
    }

    /// <summary>
    /// The entry recorded for <paramref name="path"/> when the file still has <paramref name="stamp"/>, else null.
    /// </summary>
    private FeatureEntry? ByIdentity(string path, (long Length, long MtimeTicks) stamp) =>
        stamp.Length >= 0 && _byPath.TryGetValue(path, out var e) && e.Length == stamp.Length && e.MtimeTicks == stamp.MtimeTicks
        && (_corrupt.Count == 0 || !_corrupt.Contains(e.Offset)) ? e : null;

    /// <summary>
    /// The entry recorded for the content <paramref name="hash"/>, unless its values failed their checksum.
    /// </summary>
    private FeatureEntry? ByContent(UInt128 hash)
    {
        if (!_byHashBuilt)
        {
            // Built when first needed: a cache that is used as it is never looks files up by content.
            foreach (var entry in _entries)
                if (entry.Hash != default) _byHash[entry.Hash] = entry;
            _byHashBuilt = true;
        }
        return _byHash.TryGetValue(hash, out var e) && !_corrupt.Contains(e.Offset) ? e : null;
    }

    /// <summary>
    /// Reads the values at <paramref name="offset"/> (an entry's <see cref="FeatureEntry.Offset"/>) into <paramref
    /// name="destination"/>; safe from any thread.
    /// </summary>
    public void ReadValues(long offset, Span<byte> destination)
    {
        var handle = Reader();
        destination = destination[..SampleBytes];
        for (int done = 0; done < destination.Length;)
        {
            int read = RandomAccess.Read(handle, destination[done..], offset + done);
            if (read <= 0) throw new IOException($"{FilePath}: the cache file ends inside the values at byte {offset}; delete it to rebuild");
            done += read;
        }
    }

    /// <summary>The values of <paramref name="offset"/> as floats (an f32 cache).</summary>
    public float[] ReadSingles(long offset)
    {
        var values = new float[ValuesPerSample];
        ReadValues(offset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>The values of <paramref name="offset"/> as halves (an f16 cache).</summary>
    public Half[] ReadHalves(long offset)
    {
        var values = new Half[ValuesPerSample];
        ReadValues(offset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private SafeFileHandle Reader()
    {
        if (_reader is { } r) return r;
        var opened = File.OpenHandle(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (Interlocked.CompareExchange(ref _reader, opened, null) is { } other)
        {
            opened.Dispose();
            return other;
        }
        return opened;
    }

    /// <summary>
    /// Marks the entries among <paramref name="entries"/> whose values fail their xxHash64 as corrupt (checked on
    /// <paramref name="threads"/> threads) and returns how many did.
    /// </summary>
    private unsafe int Verify(IReadOnlyList<FeatureEntry> entries, int threads)
    {
        if (entries.Count == 0) return 0;
        int bad = 0;
        var corrupt = new bool[entries.Count];
        // Through a read-only mapping: no system call per entry (the pixel cache's hit checks 20,000 samples).
        using var file = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(FilePath, FileMode.Open, null, 0,
            System.IO.MemoryMappedFiles.MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        try
        {
            byte* start0 = p + view.PointerOffset;
            long length = view.Capacity;
            ParallelChunks.For(entries.Count, 1024, threads, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    long at = entries[i].Offset;
                    if (at < 0) continue;
                    if (at + SampleBytes > length || XxHash64.HashToUInt64(new ReadOnlySpan<byte>(start0 + at, SampleBytes)) != entries[i].Checksum)
                    {
                        corrupt[i] = true;
                        Interlocked.Increment(ref bad);
                    }
                }
            });
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        for (int i = 0; i < entries.Count; i++)
            if (corrupt[i]) _corrupt.Add(entries[i].Offset);
        return bad;
    }

    /// <summary>
    /// Takes the cache's lock: shared for reading the index, exclusive for appending; waits for a holder to finish.
    /// </summary>
    private FileStream Lock(bool exclusive, CancellationToken cancellation)
    {
        string folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(FilePath))!, ".locks");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, Path.GetFileName(FilePath) + ".lock");
        for (bool told = false; ; told = true)
        {
            try
            {
                return exclusive
                    ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                    : new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!told) _warnings?.Invoke($"{FilePath}: another process or thread is filling this cache; waiting for it");
                cancellation.ThrowIfCancellationRequested();
                Thread.Sleep(20); // another process or thread holds it
            }
        }
    }

    /// <summary>
    /// Appends one segment: <paramref name="values"/>, and an index of <paramref name="computed"/> (offsets relative to
    /// <paramref name="values"/>, -1 for an error) and <paramref name="reused"/> (offsets of values already in the
    /// file).
    /// </summary>
    private void Append(ReadOnlySpan<byte> values, List<FeatureEntry> computed, List<FeatureEntry> reused)
    {
        if (computed.Count + reused.Count == 0) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        if (_rebuild || _validEnd == 0)
        {
            if (_rebuild) File.Delete(FilePath);   // readers that mapped the old file keep it until they close it
            _rebuild = false;
            _reader?.Dispose();
            _reader = null;
            byte[] header = WriteHeader();
            using var create = new FileStream(FilePath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            create.Write(header);
            _validEnd = header.Length;
        }
        long valuesStart = _validEnd + SegmentHeaderSize;
        List<FeatureEntry> absolute = [.. computed.Select(e => e.Offset < 0 ? e : e with { Offset = valuesStart + e.Offset }), .. reused];
        byte[] segment = WriteSegment(values, absolute);
        using (var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            if (stream.Length != _validEnd) stream.SetLength(_validEnd);   // an incomplete or damaged tail
            stream.Position = _validEnd;
            stream.Write(segment);
        }
        _validEnd += segment.Length;
        foreach (var e in absolute) Add(e);
    }

    /// <summary>Closes the file handle used for reading values.</summary>
    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }
}
