using System.Diagnostics;
using System.Security.Cryptography;
using GenderML.Batch.Processors;

namespace GenderML.Batch;

/// <summary>
/// The front door of batch work: runs one task (one shard of an input) and writes its part files and, when the shard
/// is complete, its manifest. Idempotent and resumable: complete parts of an earlier run of the same job are kept,
/// a part cut short (its temporary file) is redone, and a shard already complete changes no file.
/// </summary>
public static class BatchJob
{
    /// <summary>Runs the shard <see cref="BatchOptions.Shard"/> of <paramref name="input"/> as <paramref name="options"/> say.</summary>
    /// <param name="input">The job's images.</param>
    /// <param name="options">The work, model, shard and output folder.</param>
    /// <param name="progress">Hears images of the shard done, after every chunk.</param>
    /// <param name="partDone">Hears each part as it is written or kept.</param>
    /// <param name="cancellation">Checked between chunks; the part in progress is not written.</param>
    /// <exception cref="ArgumentException">An option is out of range or names an unknown model.</exception>
    /// <exception cref="InvalidDataException">The output folder holds files of another job, or a corrupt part file.</exception>
    public static BatchSummary Run(BatchInput input, BatchOptions options, IProgress<BatchProgress>? progress = null,
        Action<BatchPartSummary>? partDone = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PartSize, 1, nameof(options.PartSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 1, nameof(options.ChunkSize));
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var processor = BatchProcessor.Create(options, threads);
        var shard = options.Shard;
        var job = new BatchJobIdentity(options.Kind, processor.Model, processor.ModelHash, input.Hash, input.Paths.Count, shard.Count,
            options.PartSize);
        string folder = options.OutputFolder;
        Directory.CreateDirectory(folder);
        foreach (var (file, manifest) in ShardManifest.ReadAll(folder))
            if (job.Difference(manifest.Job) is { } difference)
                throw new InvalidDataException(
                    $"{folder} holds {Path.GetFileName(file)} of another job ({difference}); write this job to another folder");

        var (start, length) = shard.Range(input.Paths.Count);
        int partCount = (length + options.PartSize - 1) / options.PartSize;
        string manifestPath = Path.Combine(folder, ShardManifest.Name(shard));
        if (File.Exists(manifestPath) && Complete(folder, ShardManifest.Read(manifestPath)) is { } kept)
        {
            foreach (var p in kept) partDone?.Invoke(p);
            progress?.Report(new BatchProgress(length, length));
            return new BatchSummary(shard, job, kept, AlreadyComplete: true);
        }

        var parts = new List<BatchPartSummary>();
        var entries = new List<ShardManifest.Part>();
        int done = 0;
        for (int part = 0; part < partCount; part++)
        {
            int from = start + part * options.PartSize, count = Math.Min(options.PartSize, start + length - from);
            string name = PartFile.Name(shard, part), path = Path.Combine(folder, name);
            BatchPartSummary summary;
            string sha;
            if (File.Exists(path))
            {
                var (rows, partJob) = PartFile.Read(path);
                if (job.Difference(partJob) is { } difference)
                    throw new InvalidDataException($"{path} is of another job ({difference}); write this job to another folder");
                if (rows.Count != count || rows.Where((r, i) => r.Path != input.Paths[from + i]).Any())
                    throw new InvalidDataException($"{path}: its rows are not the images of this part; delete it and run the task again");
                summary = Summarise(name, rows, 0, resumed: true);
                sha = PartFile.Hash(path);
            }
            else
            {
                var clock = Stopwatch.StartNew();
                var rows = Compute(input, from, count, processor, options.ChunkSize, threads,
                    n => progress?.Report(new BatchProgress(done + n, length)), cancellation);
                sha = PartFile.Write(path, rows, job);
                summary = Summarise(name, rows, clock.Elapsed.TotalSeconds, resumed: false);
            }
            done += count;
            progress?.Report(new BatchProgress(done, length));
            parts.Add(summary);
            entries.Add(new ShardManifest.Part(name, summary.Images, summary.Faces, summary.Failures, sha));
            partDone?.Invoke(summary);
        }
        if (File.Exists(manifestPath)) File.Delete(manifestPath);   // it listed parts that are gone: this run rewrote them
        new ShardManifest(job, shard.Index, entries).Write(folder);
        return new BatchSummary(shard, job, parts, AlreadyComplete: false);
    }

    /// <summary>The parts of a finished shard as its manifest lists them, or null when one is missing or altered.</summary>
    private static List<BatchPartSummary>? Complete(string folder, ShardManifest manifest)
    {
        var parts = new List<BatchPartSummary>();
        foreach (var p in manifest.Parts)
        {
            string path = Path.Combine(folder, p.Name);
            if (!File.Exists(path) || PartFile.Hash(path) != p.Sha256) return null;
            parts.Add(new BatchPartSummary(p.Name, p.Images, p.Faces, p.Failures, 0, Resumed: true));
        }
        return parts;
    }

    private static BatchRow[] Compute(BatchInput input, int from, int count, BatchProcessor processor, int chunkSize, int threads,
        Action<int> progress, CancellationToken cancellation)
    {
        var rows = new BatchRow[count];
        for (int at = 0; at < count; at += chunkSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = Math.Min(chunkSize, count - at);
            var chunk = new BatchRow[n];
            var files = new string[n];
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
            {
                string path = input.Paths[from + at + k];
                files[k] = input.FileOf(path);
                var row = new BatchRow { Path = path, Model = processor.Model, ModelHash = processor.ModelHash };
                try
                {
                    using var stream = File.OpenRead(files[k]);
                    row.ContentHash = Convert.ToHexStringLower(SHA256.HashData(stream));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    row.Status = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
                }
                chunk[k] = row;
            });
            processor.Process(chunk, files, threads);
            chunk.CopyTo(rows, at);
            progress(at + n);
        }
        return rows;
    }

    private static BatchPartSummary Summarise(string name, IList<BatchRow> rows, double seconds, bool resumed) =>
        new(name, rows.Count, rows.Sum(r => r.Faces?.Count ?? 0), rows.Count(r => r.Status != BatchRow.Ok), seconds, resumed);
}
