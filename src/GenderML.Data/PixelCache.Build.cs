using System.IO.Hashing;
using GenderML.Imaging;

namespace GenderML.Data;

public sealed unsafe partial class PixelCache
{
    private const int BlockItems = 1024;
    private const int ChunkItems = 16;

    /// <summary>Writes a new cache file for <paramref name="paths"/>, reusing <paramref name="old"/>'s samples where the file is unchanged.</summary>
    /// <remarks>Old samples that failed their checksum (<paramref name="corrupt"/>) are decoded again, never copied.</remarks>
    private static (int Reused, int Decoded) Build(string file, string[] paths, PreprocessOptions options, PixelCache? old, bool[]? corrupt,
        int threads, CancellationToken cancellation, IProgress<int>? progress)
    {
        var oldByPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var oldByHash = new Dictionary<UInt128, int>();
        if (old is not null)
            for (int i = 0; i < old._entries.Length; i++)
            {
                if (corrupt is not null && corrupt[i]) continue;
                oldByPath.TryAdd(old._entries[i].Path, i);
                oldByHash.TryAdd(old._entries[i].Hash, i);
            }
        int per = options.BytesPerImage, n = paths.Length;
        var entries = new Entry[n];
        int reused = 0, decoded = 0;
        RemoveAbandonedTemps(file);
        string temp = $"{file}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(new byte[HeaderSize]);
                byte[] block = new byte[Math.Min(n, BlockItems) * per];
                // With a framing, files are decoded in parallel, then framed a batch at a time (a detector runs its own threads).
                var unframed = options.Framing is null ? null : new Image?[Math.Min(n, BlockItems)];
                for (int start = 0; start < n; start += BlockItems)
                {
                    int count = Math.Min(BlockItems, n - start);
                    ParallelChunks.For(count, ChunkItems, threads, (s, e) =>
                    {
                        for (int k = s; k < e && !cancellation.IsCancellationRequested; k++)
                        {
                            int i = start + k;
                            bool fromOld;
                            (entries[i], fromOld) = Resolve(paths[i], options, old, oldByPath, oldByHash, block.AsSpan(k * per, per), unframed, k);
                            Interlocked.Increment(ref fromOld ? ref reused : ref decoded);
                        }
                    });
                    cancellation.ThrowIfCancellationRequested();
                    if (unframed is not null) FrameBlock(options, unframed.AsSpan(0, count), block, per, cancellation);
                    for (int k = 0; k < count; k++)
                        entries[start + k] = entries[start + k] with { SampleChecksum = XxHash64.HashToUInt64(block.AsSpan(k * per, per)) };
                    stream.Write(block, 0, count * per);
                    progress?.Report(start + count);
                }
                byte[] index = WriteIndex(entries);
                stream.Write(index);
                var header = new Header(n, per, HeaderSize, HeaderSize + (long)n * per, index.Length, options.Key)
                {
                    IndexChecksum = XxHash64.HashToUInt64(index),
                };
                stream.Flush();
                stream.Position = 0;
                stream.Write(WriteHeader(header, options));
            }
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return (reused, decoded);
    }

    /// <summary>
    /// Deletes the half-written files of earlier builds of <paramref name="file"/> (<c>{file}.{pid}.{guid}.tmp</c>) whose
    /// process is gone — killed before it could clean up. Those of running processes are left alone.
    /// </summary>
    private static void RemoveAbandonedTemps(string file)
    {
        string name = Path.GetFileName(file);
        foreach (string temp in Directory.EnumerateFiles(Path.GetDirectoryName(file)!, name + ".*.tmp"))
        {
            string[] parts = Path.GetFileName(temp)[(name.Length + 1)..].Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                || IsRunning(pid))
                continue;
            try { File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another cleaner got there first, or not ours to delete
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Frames the images decoded into <paramref name="unframed"/> (slot k is sample k of <paramref name="block"/>), writes their samples and clears the slots.</summary>
    private static void FrameBlock(PreprocessOptions options, Span<Image?> unframed, byte[] block, int per, CancellationToken cancellation)
    {
        const int Batch = 64;
        var slots = new List<int>(Batch);
        for (int k = 0; k < unframed.Length; k++)
        {
            if (slots.Count == 0) cancellation.ThrowIfCancellationRequested();
            if (unframed[k] is not null) slots.Add(k);
            if (slots.Count == Batch || (k == unframed.Length - 1 && slots.Count > 0))
            {
                var images = new Image[slots.Count];
                for (int j = 0; j < slots.Count; j++) images[j] = unframed[slots[j]]!;
                var framed = options.Framing!.Frame(images);
                for (int j = 0; j < slots.Count; j++) Preprocessor.Write(framed[j], options, block.AsSpan(slots[j] * per, per));
                slots.Clear();
            }
        }
        unframed.Clear();
    }

    /// <summary>
    /// The entry of one file and its sample in <paramref name="destination"/>: copied from the old cache when unchanged,
    /// else decoded. With a framing, a decoded file's image goes to <paramref name="unframed"/>[<paramref name="slot"/>]
    /// instead, for <see cref="FrameBlock"/> to finish.
    /// </summary>
    private static (Entry Entry, bool FromOld) Resolve(string path, PreprocessOptions options, PixelCache? old,
        Dictionary<string, int> oldByPath, Dictionary<UInt128, int> oldByHash, Span<byte> destination, Image?[]? unframed, int slot)
    {
        var (length, mtime) = FileStamp.Of(path);
        if (old is not null && length >= 0 && oldByPath.TryGetValue(path, out int same)
            && old._entries[same].Length == length && old._entries[same].MtimeTicks == mtime)
        {
            old.GetPixels(same).CopyTo(destination);
            return (old._entries[same], true);
        }
        byte[] bytes;
        try
        {
            bytes = ImageFile.ReadAllBytes(path);
        }
        catch (ImageLoadException e)
        {
            destination.Clear();
            return (new Entry(path, -1, 0, default, e.Reason), false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            destination.Clear();
            return (new Entry(path, -1, 0, default, $"cannot read: {e.Message}"), false);
        }
        var hash = ContentHash(bytes);
        if (old is not null && oldByHash.TryGetValue(hash, out int moved))
        {
            old.GetPixels(moved).CopyTo(destination);
            return (old._entries[moved] with { Path = path, Length = length, MtimeTicks = mtime }, true);
        }
        string? error = null;
        try
        {
            if (unframed is null) Preprocessor.Load(bytes, path, options, destination);
            else
            {
                destination.Clear();
                unframed[slot] = Preprocessor.Decode(bytes, path, options);
            }
        }
        catch (ImageLoadException e)
        {
            destination.Clear();
            error = e.Reason;
        }
        catch (Exception e) when (e is not (DllNotFoundException or OutOfMemoryException))
        {
            destination.Clear(); // a decoder bug must not stop a 200,000-image build; the file is listed with the error
            error = $"decoder failed: {e.GetType().Name}: {e.Message}";
        }
        return (new Entry(path, length, mtime, hash, error), false);
    }
}
