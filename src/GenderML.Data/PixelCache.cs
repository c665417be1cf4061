using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using System.Text;

namespace GenderML.Data;

/// <summary>
/// The preprocessed uint8 samples of a dataset in one memory-mapped cache file, so a second run does not decode again.
/// Sample i belongs to <c>dataset.Items[i]</c>; each file's sample is recorded with its path, length, mtime and content
/// hash. Pixels are never copied into managed memory by the cache itself: 200,000 gray 50×50 samples are a 500 MB file
/// the OS pages in and out.
/// </summary>
/// <remarks>
/// <see cref="Open"/> keys the file by the dataset root, its splits and the settings (<see cref="PreprocessOptions.Key"/>).
/// Unchanged files (same length and mtime, sample passing its checksum) are read as they are; a touched or moved file
/// whose content is unchanged reuses its sample; the rest are decoded on all cores in fixed chunks (so the result never
/// depends on timing) and appended to the file a chunk at a time, so a cancelled or killed build keeps what it finished.
/// </remarks>
public sealed unsafe partial class PixelCache : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly long[] _offsets;
    private readonly byte[] _zeros;
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle? _reader;
    private bool _disposed;

    private PixelCache(string path, PreprocessOptions options, FeatureLookup lookup, IReadOnlyList<string> paths)
    {
        FilePath = path;
        Options = options;
        _offsets = lookup.Offsets;
        _zeros = new byte[options.BytesPerImage];
        Failed = [.. lookup.Errors.Select((e, i) => (e, i)).Where(x => x.e is not null).Select(x => new SkippedFile(paths[x.i], SkipKind.Corrupt, x.e!))];
        Stats = new PixelCacheStats(path, lookup.Hit, lookup.Reused, lookup.Computed, Failed.Count);
        if (!_offsets.Any(o => o >= 0)) return;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
        _reader = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>The preprocessing settings of every sample.</summary>
    public PreprocessOptions Options { get; }

    /// <summary>The number of samples: one a dataset item, in item order.</summary>
    public int Count => _offsets.Length;

    /// <summary>What opening did: hit, or how many samples were reused and decoded.</summary>
    public PixelCacheStats Stats { get; }

    /// <summary>The items that could not be decoded, with the reason; their samples are all zero.</summary>
    public IReadOnlyList<SkippedFile> Failed { get; }

    /// <summary>True when item <paramref name="index"/> decoded (its sample holds its pixels).</summary>
    public bool IsDecoded(int index) => _offsets[index] >= 0;

    /// <summary>Where the sample of item <paramref name="index"/> is in <see cref="FilePath"/>; -1 when it failed.</summary>
    internal long SampleOffset(int index) => _offsets[index];

    /// <summary>The N×N sample of item <paramref name="index"/> (row-major, channels interleaved), read from the mapped file.</summary>
    /// <remarks>The span is valid until the cache is disposed.</remarks>
    public ReadOnlySpan<byte> GetPixels(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)_offsets.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"the cache holds {_offsets.Length} samples");
        long at = _offsets[index];
        return at < 0 ? _zeros : new ReadOnlySpan<byte>(_base + at, _zeros.Length);
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
        if ((uint)index >= (uint)_offsets.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"the cache holds {_offsets.Length} samples");
        int per = _zeros.Length;
        if (destination.Length < per) throw new ArgumentException($"a sample needs {per} bytes", nameof(destination));
        long offset = _offsets[index];
        if (offset < 0)
        {
            destination[..per].Clear();
            return;
        }
        for (int done = 0; done < per;)
        {
            int read = RandomAccess.Read(_reader!, destination[done..per], offset + done);
            if (read <= 0) throw new IOException($"{FilePath}: the cache file ends inside sample {index}; delete it to rebuild");
            done += read;
        }
    }

    /// <summary>Copies the samples of <paramref name="indices"/>, in order, into <paramref name="destination"/> (a batch for <see cref="PixelTensor"/>).</summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<byte> destination)
    {
        int per = _zeros.Length;
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
        using var cache = new FeatureCache(file, FeatureElement.UInt8, options.BytesPerImage, options.Key, cacheOptions.Warnings);
        var fill = new FeatureFillOptions
        {
            Threads = cacheOptions.Threads,
            ChunkSize = BlockItems,
            Cancellation = cacheOptions.Cancellation,
            Progress = cacheOptions.Progress,
        };
        int threads = ParallelChunks.Threads(cacheOptions.Threads);
        var lookup = cache.Fill(paths, (items, bytes, values, errors) => Decode(paths, items, bytes, options, values, errors, threads, cacheOptions.Cancellation), fill);
        return new PixelCache(file, options, lookup, paths);
    }

    /// <summary>
    /// <c>{root folder name}-{16 hex digits of SHA-256(root, splits, settings)}-{settings}.gmlfc</c>: the train and the
    /// test split of one folder get files of their own, so using one does not rebuild the other's.
    /// </summary>
    internal static string FileName(string root, PreprocessOptions options, IEnumerable<string>? splits = null)
    {
        string name = new(Path.GetFileName(Path.TrimEndingDirectorySeparator(root)).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        string splitKey = string.Join(",", (splits ?? []).Order(StringComparer.Ordinal));
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root + "\n" + splitKey + "\n" + options.Key)))[..16];
        return $"{(name.Length == 0 ? "root" : name)}-{hash}-{options.Key}.gmlfc";
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
        _reader?.Dispose();
    }
}
