using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Parquet.Serialization;

namespace GenderML.Batch;

/// <summary>
/// The part files of a job: <c>part-SSSSS-of-NNNNN-PPPPP.parquet</c>, written to a hidden temporary name
/// (<c>.part-….parquet.tmp</c>, which Spark and the merge ignore), flushed to disk and renamed, so a part file that
/// exists is complete. Each carries the job's identity in its footer's key/value metadata (<c>genderml.job</c>).
/// </summary>
internal static class PartFile
{
    public const string JobKey = "genderml.job";

    public static string Name(Shard shard, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"part-{shard.Index:D5}-of-{shard.Count:D5}-{part:D5}.parquet");

    public static string TempName(string name) => "." + name + ".tmp";

    /// <summary>Writes <paramref name="rows"/> as <paramref name="path"/> through a temporary file; returns the file's SHA-256.</summary>
    public static string Write(string path, IReadOnlyList<BatchRow> rows, BatchJobIdentity job)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, TempName(Path.GetFileName(path)));
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                ParquetSerializer.SerializeAsync(rows, stream, null, Metadata(job)).GetAwaiter().GetResult();
                stream.Flush(flushToDisk: true);
            }
            string hash = Hash(temp);
            File.Move(temp, path, overwrite: false);
            return hash;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Writes rows to one Parquet file (a merge's output) through a temporary file.</summary>
    public static void WriteAll(string path, IEnumerable<BatchRow> rows, BatchJobIdentity job)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, TempName(Path.GetFileName(path)));
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                ParquetSerializer.SerializeAsync(rows, stream, null, Metadata(job)).GetAwaiter().GetResult();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The rows of a part file and the job its footer names.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable part file.</exception>
    public static (IList<BatchRow> Rows, BatchJobIdentity Job) Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var result = ParquetSerializer.DeserializeAsync<BatchRow>(stream).GetAwaiter().GetResult();
            if (result.CustomMetadata is null || !result.CustomMetadata.TryGetValue(JobKey, out string? job))
                throw new InvalidDataException($"{path}: not a genderml batch part (no {JobKey} in its metadata)");
            return (result.Data, JsonSerializer.Deserialize<BatchJobIdentity>(job, BatchJson.Options)
                ?? throw new InvalidDataException($"{path}: empty {JobKey}"));
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: corrupt part file ({e.Message})");
        }
    }

    public static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static Dictionary<string, string> Metadata(BatchJobIdentity job) =>
        new(StringComparer.Ordinal) { [JobKey] = JsonSerializer.Serialize(job, BatchJson.Options) };
}
