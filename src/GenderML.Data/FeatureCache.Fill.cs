using System.Globalization;
using System.IO.Hashing;
using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>
/// Computes the values of a chunk of files the cache lacks: <c>values</c> holds <c>items.Count</c> samples of
/// <see cref="FeatureCache.SampleBytes"/> bytes, sample k for <c>bytes[k]</c> (the file's content); a file that cannot
/// be computed gets its reason in <c>errors[k]</c> (its sample is ignored).
/// </summary>
internal delegate void FeatureCompute(IReadOnlyList<int> items, byte[][] bytes, byte[] values, string?[] errors);

/// <summary>How <see cref="FeatureCache.Fill"/> runs: threads, chunk size, cancellation and progress.</summary>
internal sealed record FeatureFillOptions
{
    /// <summary>Threads for stamps, checksums, reading and hashing; 0 or less for all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Files the cache lacks that are read, computed and appended as one segment.</summary>
    public int ChunkSize { get; init; } = 1024;

    /// <summary>Checked before each chunk; what was appended before stays in the cache.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Hears how many of the files are ready (found or computed) after each chunk; silent when nothing was missing.
    /// </summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>Hears (missing files done, missing files) after each chunk.</summary>
    public Action<int, int>? Computed { get; init; }
}

/// <summary>Where the values of each file are after <see cref="FeatureCache.Fill"/>, and what it did.</summary>
/// <param name="Offsets">Per file, the offset of its values in the cache file; -1 when it failed.</param>
/// <param name="Errors">Per file, why it failed (null when it has values).</param>
/// <param name="Hit">True when every file was found unchanged and nothing was appended.</param>
/// <param name="Reused">Files whose values were in the cache (same identity, or same content after a touch or a
/// move).</param>
/// <param name="Computed">Files read and computed now (failures included).</param>
internal sealed record FeatureLookup(long[] Offsets, string?[] Errors, bool Hit, int Reused, int Computed);

internal sealed partial class FeatureCache
{
    /// <summary>
    /// The values of every file of <paramref name="paths"/>: found by identity (path, length, mtime) when the file is
    /// unchanged and its values pass their checksum; otherwise read and hashed, found by content, or computed by
    /// <paramref name="compute"/> a chunk at a time and appended as a segment. Files whose content cannot be read are
    /// reported in <see cref="FeatureLookup.Errors"/> and not cached; errors of <paramref name="compute"/> are cached.
    /// </summary>
    /// <exception cref="OperationCanceledException"><see cref="FeatureFillOptions.Cancellation"/> fired.</exception>
    public FeatureLookup Fill(IReadOnlyList<string> paths, FeatureCompute compute, FeatureFillOptions options)
    {
        int threads = ParallelChunks.Threads(options.Threads);
        var stamps = Stamps(paths, threads);
        var found = new FeatureEntry?[paths.Count];
        using (Lock(exclusive: false, options.Cancellation))
        {
            Load();
            // Every file found: whatever else is wrong with the file did not touch these files, so it is not reported.
            if (Resolve(paths, stamps, found, threads, out int corrupt) == 0 && corrupt == 0)
                return Lookup(found, hit: true, reused: paths.Count, computed: 0);
        }
        options.Cancellation.ThrowIfCancellationRequested();
        using (Lock(exclusive: true, options.Cancellation))
        {
            Load();   // again: another process may have appended while this one waited
            foreach (string note in _loadNotes) _warnings?.Invoke(note);
            var missing = new List<int>();
            Resolve(paths, stamps, found, threads, out int corrupt);
            if (corrupt > 0)
                _warnings?.Invoke($"{FilePath}: {corrupt} cached sample(s) fail their checksum (the file was changed on disk); computing them again");
            for (int i = 0; i < paths.Count; i++)
                if (found[i] is null) missing.Add(i);
            if (missing.Count == 0) return Lookup(found, hit: true, reused: paths.Count, computed: 0);
            var readErrors = new string?[paths.Count];
            int reused = paths.Count - missing.Count, computed = 0;
            for (int start = 0; start < missing.Count;)
            {
                options.Cancellation.ThrowIfCancellationRequested();
                var chunk = NextChunk(missing, start, stamps, options.ChunkSize);
                var (r, c) = FillChunk(paths, stamps, chunk, found, readErrors, compute, threads);
                reused += r;
                computed += c;
                options.Progress?.Report(paths.Count - missing.Count + start + chunk.Count);
                options.Computed?.Invoke(start + chunk.Count, missing.Count);
                start += chunk.Count;
            }
            var lookup = Lookup(found, hit: false, reused, computed);
            for (int i = 0; i < paths.Count; i++) lookup.Errors[i] ??= readErrors[i];
            return lookup;
        }
    }

    /// <summary>
    /// The most files a chunk reads into memory at once, in bytes (a chunk of large photos is cut short).
    /// </summary>
    private const long ChunkBytes = 256L << 20;

    /// <summary>
    /// The next chunk of <paramref name="missing"/> from <paramref name="start"/>: up to <paramref name="size"/> files
    /// and <see cref="ChunkBytes"/>.
    /// </summary>
    private static List<int> NextChunk(List<int> missing, int start, (long Length, long MtimeTicks)[] stamps, int size)
    {
        int end = start;
        long bytes = 0;
        while (end < missing.Count && end - start < size && (end == start || bytes + Math.Max(0, stamps[missing[end]].Length) <= ChunkBytes))
            bytes += Math.Max(0, stamps[missing[end++]].Length);
        return missing.GetRange(start, end - start);
    }

    private static FeatureLookup Lookup(FeatureEntry?[] found, bool hit, int reused, int computed) => new(
        [.. found.Select(e => e?.Offset ?? -1)], [.. found.Select(e => e?.Error)], hit, reused, computed);

    private static (long Length, long MtimeTicks)[] Stamps(IReadOnlyList<string> paths, int threads)
    {
        var stamps = new (long, long)[paths.Count];
        string[] all = [.. paths];
        ParallelChunks.For(all.Length, 512, threads, (start, end) => FileStamp.OfMany(all.AsSpan(start, end - start), stamps.AsSpan(start, end - start)));
        return stamps;
    }

    /// <summary>
    /// Fills <paramref name="found"/> with the entries of unchanged files whose values pass their checksum; returns how
    /// many files were not found, and in <paramref name="corrupt"/> how many entries failed their checksum.
    /// </summary>
    private int Resolve(IReadOnlyList<string> paths, (long Length, long MtimeTicks)[] stamps, FeatureEntry?[] found, int threads, out int corrupt)
    {
        var candidates = new List<FeatureEntry>();
        for (int i = 0; i < paths.Count; i++)
        {
            found[i] = ByIdentity(paths[i], stamps[i]);
            if (found[i] is { Offset: >= 0 } e) candidates.Add(e);
        }
        corrupt = Verify(candidates, threads);
        int missing = 0;
        for (int i = 0; i < paths.Count; i++)
        {
            if (found[i] is { } e && _corrupt.Contains(e.Offset)) found[i] = null;
            if (found[i] is null) missing++;
        }
        return missing;
    }

    /// <summary>
    /// Reads and hashes the files of <paramref name="chunk"/>, reuses what the cache has by content, computes the rest
    /// and appends one segment.
    /// </summary>
    private (int Reused, int Computed) FillChunk(IReadOnlyList<string> paths, (long Length, long MtimeTicks)[] stamps, List<int> chunk,
        FeatureEntry?[] found, string?[] readErrors, FeatureCompute compute, int threads)
    {
        var bytes = new byte[]?[chunk.Count];
        var hashes = new UInt128[chunk.Count];
        ParallelChunks.For(chunk.Count, 16, threads, (start, end) =>
        {
            for (int k = start; k < end; k++)
            {
                int i = chunk[k];
                try
                {
                    bytes[k] = ImageFile.ReadAllBytes(paths[i]);
                    hashes[k] = FeatureEntry.ContentHash(bytes[k]);
                }
                catch (ImageLoadException e)
                {
                    readErrors[i] = e.Reason;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    readErrors[i] = $"cannot read: {e.Message}";
                }
            }
        });
        var reused = new List<FeatureEntry>();
        var todo = new List<int>();   // positions in chunk
        Verify([.. Enumerable.Range(0, chunk.Count).Where(k => bytes[k] is not null).Select(k => ByContent(hashes[k])).OfType<FeatureEntry>()
            .Where(e => e.Offset >= 0).DistinctBy(e => e.Offset)], threads);
        for (int k = 0; k < chunk.Count; k++)
        {
            if (bytes[k] is null) continue;
            int i = chunk[k];
            if (ByContent(hashes[k]) is { } same)
            {
                found[i] = same with { Path = paths[i], Length = stamps[i].Length, MtimeTicks = stamps[i].MtimeTicks };
                reused.Add(found[i]!);
            }
            else todo.Add(k);
        }
        var values = new byte[todo.Count * SampleBytes];
        var errors = new string?[todo.Count];
        if (todo.Count > 0) compute([.. todo.Select(k => chunk[k])], [.. todo.Select(k => bytes[k]!)], values, errors);
        var computed = new List<FeatureEntry>(todo.Count);
        int packed = 0;
        for (int t = 0; t < todo.Count; t++)
        {
            int k = todo[t], i = chunk[k];
            var (length, mtime) = stamps[i];
            if (errors[t] is { } error)
            {
                computed.Add(new FeatureEntry(paths[i], length, mtime, hashes[k], error, -1, 0));
                continue;
            }
            var sample = values.AsSpan(t * SampleBytes, SampleBytes);
            sample.CopyTo(values.AsSpan(packed * SampleBytes, SampleBytes));   // values of failed files are left out
            computed.Add(new FeatureEntry(paths[i], length, mtime, hashes[k], null, (long)packed * SampleBytes, XxHash64.HashToUInt64(sample)));
            packed++;
        }
        Append(values.AsSpan(0, packed * SampleBytes), computed, reused);
        foreach (int i in chunk)
            if (found[i] is null && readErrors[i] is null) found[i] = _byPath[paths[i]];
        return (reused.Count, chunk.Count - reused.Count);
    }
}
