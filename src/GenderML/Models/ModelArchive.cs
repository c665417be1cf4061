using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace GenderML.Models;

/// <summary>A loaded model archive: its manifest and the bytes of each other entry by name.</summary>
internal sealed record ModelArchiveContents(ModelManifest Manifest, IReadOnlyDictionary<string, byte[]> Entries);

/// <summary>
/// The model <c>.zip</c>: <c>manifest.json</c> plus named binary entries (e.g. <c>weights.safetensors</c>,
/// <c>curves.json</c>). Saved atomically; loaded strictly (see <see cref="Load"/>).
/// </summary>
internal static partial class ModelArchive
{
    internal const string ManifestName = "manifest.json";

    /// <summary>The informational version of this library.</summary>
    internal static string LibraryVersion { get; } =
        typeof(ModelArchive).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ModelArchive).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>
    /// Writes the archive to a temporary file in the target's folder, flushes it to disk, then moves it over
    /// <paramref name="path"/>, so readers see the old file or the new one, never a partial one.
    /// The manifest's <see cref="ModelManifest.Entries"/> is filled in from <paramref name="entries"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An entry name is unsafe or reserved.</exception>
    internal static ModelManifest Save(string path, ModelManifest manifest, IReadOnlyDictionary<string, byte[]> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(entries);
        var names = entries.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var name in names)
            if (name == ManifestName || CheckName(name) is { } problem)
                throw new ArgumentException($"entry \"{name}\": {CheckName(name) ?? "reserved for the manifest"}", nameof(entries));
        var infos = names.Select(n => new ModelEntryInfo(n, entries[n].LongLength, Convert.ToHexStringLower(SHA256.HashData(entries[n])))).ToArray();
        var stamped = manifest with { Entries = infos, FormatVersion = ModelManifest.CurrentFormatVersion };

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Data.OutputFile.Write(full, file =>
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            Add(zip, ManifestName, ModelManifestJson.Write(stamped));
            foreach (var n in names) Add(zip, n, entries[n]);
        });
        return stamped;
    }

    /// <summary>The time of every entry: the zip format's earliest, so the archive's bytes depend on its contents alone.</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var s = entry.Open();
        s.Write(bytes);
    }
}
