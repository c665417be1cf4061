using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using System.Text;

namespace GenderML.Data;

/// <summary>
/// The preprocessed uint8 samples of a dataset in one memory-mapped file, so a second run does not decode again.
/// Sample i is <see cref="PreprocessOptions.BytesPerImage"/> bytes at <c>4096 + i·BytesPerImage</c>; an index after
/// the samples records each file's path, length, mtime and content hash. Pixels are never copied into managed memory
/// by the cache itself: 200,000 gray 50×50 samples are a 500 MB file the OS pages in and out.
/// </summary>
/// <remarks>
/// <see cref="Open"/> keys the file by the dataset root, its splits and the settings (<see cref="PreprocessOptions.Key"/>). It is
/// used as it is when every file still has the recorded length and mtime; otherwise it is rebuilt, copying the
/// samples of unchanged files (same stamp, or same content hash after a touch or a move) and decoding only the rest,
/// on all cores in fixed chunks, so the result never depends on timing. The new file is written beside the old one and
/// renamed over it; the header is written last.
/// </remarks>
public sealed unsafe partial class PixelCache : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;
    private readonly Header _header;
    private readonly Entry[] _entries;
    private bool _disposed;

    private PixelCache(string path, PreprocessOptions options, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, Header header, Entry[] entries)
    {
        FilePath = path;
        Options = options;
        _file = file;
        _view = view;
        _base = pointer;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _header = header;
        _entries = entries;
        Failed = [.. entries.Where(e => e.Error is not null).Select(e => new SkippedFile(e.Path, SkipKind.Corrupt, e.Error!))];
        Stats = new PixelCacheStats(path, true, entries.Length, 0, Failed.Count);
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>The preprocessing settings of every sample.</summary>
    public PreprocessOptions Options { get; }

    /// <summary>The number of samples: one a dataset item, in item order.</summary>
    public int Count => _header.Count;

    /// <summary>What opening did: hit, or how many samples were reused and decoded.</summary>
    public PixelCacheStats Stats { get; private set; }

    /// <summary>The items that could not be decoded, with the reason; their samples are all zero.</summary>
    public IReadOnlyList<SkippedFile> Failed { get; }

    /// <summary>True when item <paramref name="index"/> decoded (its sample holds its pixels).</summary>
    public bool IsDecoded(int index) => _entries[index].Error is null;

    /// <summary>The N×N sample of item <paramref name="index"/> (row-major, channels interleaved), read from the mapped file.</summary>
    /// <remarks>The span is valid until the cache is disposed.</remarks>
    public ReadOnlySpan<byte> GetPixels(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)_header.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the cache holds {_header.Count} samples");
        return new ReadOnlySpan<byte>(_base + _header.PixelsOffset + (long)index * _header.BytesPerImage, _header.BytesPerImage);
    }

    /// <summary>
    /// Reads the sample of item <paramref name="index"/> from the file into <paramref name="destination"/> (positioned
    /// reads, safe from any number of threads). Unlike <see cref="GetPixels"/>, this leaves nothing of the file mapped in
    /// the process: a training epoch over a 500 MB cache in random order would otherwise make all of it resident
    /// (the OS maps a fault's neighbouring pages too), while the bytes come from the OS page cache either way.
    /// </summary>
    public void ReadPixels(int index, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)_header.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the cache holds {_header.Count} samples");
        int per = _header.BytesPerImage;
        if (destination.Length < per) throw new ArgumentException($"a sample needs {per} bytes", nameof(destination));
        long offset = _header.PixelsOffset + (long)index * per;
        for (int done = 0; done < per;)
        {
            int read = RandomAccess.Read(_handle, destination[done..per], offset + done);
            if (read <= 0) throw new IOException($"{FilePath}: the cache file ends inside sample {index}; delete it to rebuild");
            done += read;
        }
    }

    /// <summary>Copies the samples of <paramref name="indices"/>, in order, into <paramref name="destination"/> (a batch for <see cref="PixelTensor"/>).</summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<byte> destination)
    {
        int per = _header.BytesPerImage;
        if (destination.Length < (long)indices.Length * per) throw new ArgumentException($"{indices.Length} samples need {(long)indices.Length * per} bytes", nameof(destination));
        for (int k = 0; k < indices.Length; k++) GetPixels(indices[k]).CopyTo(destination.Slice(k * per, per));
    }

    /// <summary>
    /// Opens (building or updating as needed) the cache of <paramref name="dataset"/>'s items preprocessed with
    /// <paramref name="options"/>: sample i belongs to <c>dataset.Items[i]</c>.
    /// </summary>
    /// <exception cref="IOException">The cache folder given in <see cref="PixelCacheOptions.Folder"/> cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><see cref="PixelCacheOptions.Cancellation"/> fired during a build.</exception>
    public static PixelCache Open(Dataset dataset, PreprocessOptions options, PixelCacheOptions? cacheOptions = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cacheOptions ??= new PixelCacheOptions();
        string folder = cacheOptions.WritableFolder();
        string file = Path.Combine(folder, FileName(dataset.Root, options, dataset.Splits));
        string[] paths = [.. dataset.Items.Select(i => i.Path)];
        int threads = ParallelChunks.Threads(cacheOptions.Threads);

        PixelCache? old = TryMap(file, options, cacheOptions.Warnings);
        bool[]? corrupt = old?.FindCorruptSamples(threads);
        if (corrupt is not null && corrupt.Count(c => c) is var bad and > 0)
            cacheOptions.Warnings?.Invoke($"{file}: {bad} cached sample(s) fail their checksum (the file was changed on disk); decoding them again");
        else if (old is not null && old.Matches(paths, threads)) return old;
        try
        {
            var (reused, decoded) = Build(file, paths, options, old, corrupt, threads, cacheOptions.Cancellation, cacheOptions.Progress);
            var cache = TryMap(file, options, null) ?? throw new IOException($"{file}: the cache just written cannot be read back");
            cache.Stats = new PixelCacheStats(file, false, reused, decoded, cache.Failed.Count);
            return cache;
        }
        finally
        {
            old?.Dispose();
        }
    }

    /// <summary>
    /// <c>{root folder name}-{16 hex digits of SHA-256(root, splits, settings)}-{settings}.gmlpx</c>: the train and the test
    /// split of one folder get files of their own, so using one does not rebuild the other's.
    /// </summary>
    internal static string FileName(string root, PreprocessOptions options, IEnumerable<string>? splits = null)
    {
        string name = new(Path.GetFileName(Path.TrimEndingDirectorySeparator(root)).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        string splitKey = string.Join(",", (splits ?? []).Order(StringComparer.Ordinal));
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root + "\n" + splitKey + "\n" + options.Key)))[..16];
        return $"{(name.Length == 0 ? "root" : name)}-{hash}-{options.Key}.gmlpx";
    }

    /// <summary>True when the entries are exactly <paramref name="paths"/>, in order, and every file still has its recorded stamp.</summary>
    private bool Matches(string[] paths, int threads)
    {
        if (_entries.Length != paths.Length) return false;
        for (int i = 0; i < paths.Length; i++)
            if (!string.Equals(_entries[i].Path, paths[i], StringComparison.Ordinal)) return false;
        int changed = 0;
        const int chunk = 512;
        ParallelChunks.For(paths.Length, chunk, threads, (start, end) =>
        {
            if (Volatile.Read(ref changed) != 0) return;
            var stamps = new (long Length, long MtimeTicks)[end - start];
            FileStamp.OfMany(paths.AsSpan(start, end - start), stamps);
            for (int i = start; i < end; i++)
                if (stamps[i - start].Length != _entries[i].Length || stamps[i - start].MtimeTicks != _entries[i].MtimeTicks)
                    Interlocked.Exchange(ref changed, 1);
        });
        return changed == 0;
    }

    /// <summary>True for each sample whose bytes fail the checksum recorded in the index (checked on all threads).</summary>
    private bool[]? FindCorruptSamples(int threads)
    {
        var corrupt = new bool[_entries.Length];
        int any = 0;
        ParallelChunks.For(_entries.Length, 1024, threads, (start, end) =>
        {
            for (int i = start; i < end; i++)
                if (XxHash64.HashToUInt64(GetPixels(i)) != _entries[i].SampleChecksum)
                    (corrupt[i], any) = (true, 1);
        });
        return any == 0 ? null : corrupt;
    }

    /// <summary>
    /// The cache in <paramref name="file"/>, or null when there is none, it is of another version or settings (rebuilt
    /// quietly), or it is damaged (rebuilt, with a note to <paramref name="warnings"/>).
    /// </summary>
    private static PixelCache? TryMap(string file, PreprocessOptions options, Action<string>? warnings)
    {
        if (!File.Exists(file)) return null;
        MemoryMappedFile? mmf = null;
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            long length = new FileInfo(file).Length;
            if (length < HeaderSize) return null;
            mmf = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = mmf.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            acquired = true;
            p += view.PointerOffset;
            var header = ReadHeader(new ReadOnlySpan<byte>(p, HeaderSize), options, length);
            if (header is null)
            {
                Release();
                return null; // another version or settings: rebuilt from scratch
            }
            if (header.IndexLength > int.MaxValue) throw new InvalidDataException("its index is too large");
            var entries = ReadIndex(new ReadOnlySpan<byte>(p + header.IndexOffset, (int)header.IndexLength), header.Count, header.IndexChecksum);
            return new PixelCache(file, options, mmf, view, p, header, entries);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // Whatever is wrong with a cache file, it is only a cache: rebuilt from scratch, never fatal.
            Release();
            warnings?.Invoke($"{file}: the cache file is damaged ({e.Message}); building it again");
            return null;
        }

        void Release()
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            mmf?.Dispose();
        }
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
        _handle.Dispose();
    }
}
