using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GenderML.Batch;

/// <summary>
/// The output folder of a finished job, checked: every shard's manifest present and of one job, every part file it
/// lists present with its SHA-256 and row count, and no part file of another job beside them. Its rows read in the
/// input's order, so they equal a single-process run's (<c>--shard 0/1</c>) row for row.
/// </summary>
public sealed class BatchOutput
{
    /// <summary>The name of the merged Parquet file <see cref="WriteParquet"/> writes into the folder.</summary>
    public const string MergedFileName = "merged.parquet";

    private readonly IReadOnlyList<string> _parts;

    private BatchOutput(string folder, BatchJobIdentity job, IReadOnlyList<string> parts)
    {
        Folder = folder;
        Job = job;
        _parts = parts;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The job every shard of the folder belongs to.</summary>
    public BatchJobIdentity Job { get; }

    /// <summary>Checks <paramref name="folder"/> and opens it.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A shard is missing or unfinished, shards of different jobs are mixed, or a part
    /// file is missing or corrupt (the message names the file and the fix).</exception>
    public static BatchOutput Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder");
        var manifests = ShardManifest.ReadAll(folder);
        if (manifests.Count == 0)
            throw new InvalidDataException($"{folder}: no shard manifest ({ShardManifest.Prefix}*.json): no batch task has finished here");
        var job = manifests[0].Manifest.Job;
        foreach (var (file, m) in manifests)
        {
            if (job.Difference(m.Job) is { } difference)
                throw new InvalidDataException(
                    $"{folder}: shards of different jobs are mixed ({Path.GetFileName(file)}: {difference}); put each job in its own folder");
            if (Path.GetFileName(file) != ShardManifest.Name(new Shard(m.Shard, m.Job.Shards)))
                throw new InvalidDataException($"{file}: names shard {m.Shard}/{m.Job.Shards}; the file was renamed or altered");
        }
        var byShard = manifests.ToDictionary(m => m.Manifest.Shard, m => m.Manifest);
        var missing = Enumerable.Range(0, job.Shards).Where(i => !byShard.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            var ci = CultureInfo.InvariantCulture;
            string shards = string.Join(", ", missing.Select(i => string.Create(ci, $"{i}/{job.Shards}")));
            string first = ShardManifest.Name(new Shard(missing[0], job.Shards));
            throw new InvalidDataException(missing.Count > 1
                ? $"{folder}: shards {shards} missing or unfinished (no {first} …); run those tasks again"
                : $"{folder}: shard {shards} missing or unfinished (no {first}); run that task again");
        }
        var parts = new List<string>();
        int rows = 0;
        for (int s = 0; s < job.Shards; s++)
        {
            var (_, length) = new Shard(s, job.Shards).Range(job.Images);
            int shardRows = 0;
            foreach (var p in byShard[s].Parts)
            {
                string path = Path.Combine(folder, p.Name);
                if (!File.Exists(path))
                    throw new InvalidDataException($"{path}: missing (shard {s}/{job.Shards}'s manifest lists it); run that task again");
                string sha = PartFile.Hash(path);
                if (sha != p.Sha256)
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{path}: corrupt (sha256 {sha[..12]}…, its manifest says {p.Sha256[..12]}…); delete it and run shard {s}/{job.Shards} again"));
                parts.Add(path);
                shardRows += p.Images;
            }
            if (shardRows != length)
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{folder}: shard {s}/{job.Shards} lists {shardRows} images, its share of the input is {length}"));
            rows += shardRows;
        }
        var listed = parts.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var stray = Directory.EnumerateFiles(folder, "part-*.parquet").FirstOrDefault(f => !listed.Contains(Path.GetFileName(f)));
        if (stray is not null)
            throw new InvalidDataException($"{stray}: a part file no manifest lists (another job's, or a renamed file); put each job in its own folder");
        return new BatchOutput(folder, job, parts);
    }

    /// <summary>Every row, in the input's sorted order (each part is checked again as it is read).</summary>
    /// <exception cref="InvalidDataException">A part file cannot be read.</exception>
    public IEnumerable<BatchRow> ReadRows()
    {
        foreach (string part in _parts)
        {
            var (rows, job) = PartFile.Read(part);
            if (Job.Difference(job) is { } difference) throw new InvalidDataException($"{part}: of another job ({difference})");
            foreach (var row in rows) yield return row;
        }
    }

    /// <summary>Writes every row to <see cref="MergedFileName"/> in the folder (through a temporary file) and returns its path.</summary>
    public string WriteParquet()
    {
        string path = Path.Combine(Folder, MergedFileName);
        PartFile.WriteAll(path, [.. ReadRows()], Job);
        return path;
    }

    /// <summary>Writes every row as CSV (RFC 4180, a header line; faces as a JSON array, embeddings as space-separated floats).</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("path,content_hash,status,width,height,label,p_male,face_found,faces,embedding,model,model_hash\n");
        foreach (var r in ReadRows()) writer.Write(CsvLine(r));
    }

    /// <summary>One row as a CSV line (with its line feed).</summary>
    internal static string CsvLine(BatchRow r)
    {
        var ci = CultureInfo.InvariantCulture;
        string faces = r.Faces is { Count: > 0 } f ? JsonSerializer.Serialize(f) : "";
        string embedding = r.Embedding is { } e ? string.Join(' ', e.Select(v => v.ToString("R", ci))) : "";
        string[] fields =
        [
            r.Path, r.ContentHash ?? "", r.Status, r.Width?.ToString(ci) ?? "", r.Height?.ToString(ci) ?? "", r.Label ?? "",
            r.ProbabilityMale?.ToString("R", ci) ?? "", r.FaceFound is { } found ? found ? "true" : "false" : "", faces, embedding,
            r.Model, r.ModelHash,
        ];
        var sb = new StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append(',');
            string v = fields[i];
            if (v.AsSpan().IndexOfAny(",\"\n\r") >= 0) sb.Append('"').Append(v.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else sb.Append(v);
        }
        return sb.Append('\n').ToString();
    }
}
