using System.Security.Cryptography;
using System.Text;
using GenderML.Data;
using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace GenderML.Batch;

/// <summary>
/// The images of a job in their one stable order: a folder's image files (named relative to it), the lines of a
/// <c>.txt</c> list (blank lines and <c>#</c> comments left out) or the <c>path</c> column of a <c>.parquet</c> list
/// (paths relative to the list's folder), sorted ordinally. <see cref="Hash"/> identifies the list, so shards of
/// different inputs are never merged.
/// </summary>
public sealed class BatchInput
{
    private readonly string _root;

    private BatchInput(string source, string root, List<string> paths)
    {
        Source = source;
        _root = root;
        paths.Sort(StringComparer.Ordinal);
        for (int i = 1; i < paths.Count; i++)
            if (paths[i] == paths[i - 1]) throw new InvalidDataException($"{source}: '{paths[i]}' is listed twice");
        if (paths.Count == 0) throw new InvalidDataException($"{source}: no images listed");
        Paths = paths;
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', paths))));
    }

    /// <summary>The folder or list file the images came from.</summary>
    public string Source { get; }

    /// <summary>The images as the input names them, sorted ordinally.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The lowercase hex SHA-256 of the sorted paths joined by line feeds.</summary>
    public string Hash { get; }

    /// <summary>The file to read for <paramref name="path"/> (one of <see cref="Paths"/>).</summary>
    public string FileOf(string path) => Path.IsPathRooted(path) ? path : Path.Combine(_root, path);

    /// <summary>Lists <paramref name="source"/>: a folder, a <c>.txt</c> list or a <c>.parquet</c> list with a <c>path</c> column.</summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="source"/>.</exception>
    /// <exception cref="InvalidDataException">The list cannot be read, names an image twice, or names none.</exception>
    public static BatchInput Open(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Directory.Exists(source))
        {
            string root = Path.GetFullPath(source);
            var files = ImagePaths.Expand([root]);
            return new BatchInput(source, root, [.. files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))]);
        }
        if (!File.Exists(source)) throw new FileNotFoundException($"{source}: no such folder or list file", source);
        string folder = Path.GetDirectoryName(Path.GetFullPath(source))!;
        try
        {
            if (source.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
                return new BatchInput(source, folder, ReadParquetList(source));
            var lines = File.ReadAllLines(source, new UTF8Encoding(false, throwOnInvalidBytes: true))
                .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            return new BatchInput(source, folder, lines);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"{source}: not a UTF-8 text list of paths (nor a .parquet list)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{source}: cannot be read ({e.Message})");
        }
    }

    private static List<string> ReadParquetList(string source)
    {
        try
        {
            using var stream = File.OpenRead(source);
            var rows = ParquetSerializer.DeserializeAsync<ListedPath>(stream).GetAwaiter().GetResult();
            return [.. rows.Data.Select((r, i) => r.Path ?? throw new InvalidDataException($"{source}: row {i} has no path"))];
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{source}: not a Parquet list with a 'path' column of strings ({e.Message})");
        }
    }

    private sealed class ListedPath
    {
        [JsonPropertyName("path")] public string? Path { get; set; }
    }
}
