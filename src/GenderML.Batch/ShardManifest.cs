using System.Globalization;
using System.Text.Json;

namespace GenderML.Batch;

/// <summary>
/// The record a task writes when its shard is complete, <c>_manifest-SSSSS-of-NNNNN.json</c> (temporary name, then
/// renamed): the job, the shard, and each part file with its rows and SHA-256. A merge trusts a shard only through it.
/// </summary>
internal sealed record ShardManifest(BatchJobIdentity Job, int Shard, IReadOnlyList<ShardManifest.Part> Parts)
{
    /// <summary>One part file: its name, rows, faces, failures and SHA-256.</summary>
    public sealed record Part(string Name, int Images, int Faces, int Failures, string Sha256);

    public const string Prefix = "_manifest-";

    public static string Name(Shard shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{shard.Index:D5}-of-{shard.Count:D5}.json");

    /// <summary>The manifests in <paramref name="folder"/>, by file name.</summary>
    /// <exception cref="InvalidDataException">A manifest cannot be read.</exception>
    public static IReadOnlyList<(string File, ShardManifest Manifest)> ReadAll(string folder) =>
        [.. Directory.EnumerateFiles(folder, Prefix + "*.json").Order(StringComparer.Ordinal).Select(f => (f, Read(f)))];

    public static ShardManifest Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), BatchJson.Options)
                ?? throw new InvalidDataException($"{path}: empty shard manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: corrupt shard manifest ({e.Message})");
        }
    }

    /// <summary>Writes the manifest through a temporary file.</summary>
    public void Write(string folder)
    {
        string path = Path.Combine(folder, Name(new Shard(Shard, Job.Shards)));
        string temp = Path.Combine(folder, "." + Path.GetFileName(path) + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, this, BatchJson.Options);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
