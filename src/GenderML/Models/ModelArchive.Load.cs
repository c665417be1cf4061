using System.IO.Compression;
using System.Security.Cryptography;

namespace GenderML.Models;

internal static partial class ModelArchive
{
    /// <summary>
    /// Opens a model archive and checks it fully before returning anything: a readable zip; at most
    /// <see cref="ModelArchiveLimits.MaxEntries"/> entries with safe, unique names (no <c>..</c>, absolute paths,
    /// backslashes or case-only duplicates); declared and actual sizes and compression ratios within
    /// <paramref name="limits"/>; a <c>manifest.json</c> of the current format version; and exactly the entries
    /// it lists, with the sizes and SHA-256 it lists.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelFormatException">Any check failed; the message names the file and the problem.</exception>
    internal static ModelArchiveContents Load(string path, ModelArchiveLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits ??= ModelArchiveLimits.Default;
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found", path);
        ModelFormatException Fail(string problem, Exception? inner = null) => new(path, problem, inner);
        // A FIFO would block the open and a device read without end: only regular files are opened.
        if (Imaging.ImageFile.NotRegularReason(path) is { } notRegular) throw Fail(notRegular);

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        ZipArchive zip;
        try { zip = new ZipArchive(file, ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw Fail($"not a valid zip archive ({e.Message})", e); }
        using (zip)
        {
            IReadOnlyList<ZipArchiveEntry> all;
            try { all = zip.Entries; }
            catch (InvalidDataException e) { throw Fail($"corrupt zip directory ({e.Message})", e); }
            if (all.Count > limits.MaxEntries) throw Fail($"{all.Count} entries, more than the {limits.MaxEntries} allowed");

            var byName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            var folded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            long total = 0;
            foreach (var entry in all)
            {
                string name = entry.FullName;
                if (CheckName(name) is { } problem) throw Fail($"unsafe entry name \"{name}\": {problem}");
                if (!folded.Add(name)) throw Fail($"duplicate entry name \"{name}\"");
                byName[name] = entry;
                long declared = entry.Length;
                if (declared > limits.MaxEntryBytes) throw Fail($"entry \"{name}\" declares {declared} bytes, more than the {limits.MaxEntryBytes} allowed");
                total += declared;
                if (total > limits.MaxTotalBytes) throw Fail($"entries declare more than the {limits.MaxTotalBytes} bytes allowed in total");
                if (declared >= limits.RatioCheckMinBytes && (entry.CompressedLength == 0 || (double)declared / entry.CompressedLength > limits.MaxCompressionRatio))
                    throw Fail($"entry \"{name}\" expands {declared} bytes from {entry.CompressedLength}, a ratio over {limits.MaxCompressionRatio} (zip bomb?)");
            }

            if (!byName.TryGetValue(ManifestName, out var manifestEntry)) throw Fail($"no {ManifestName}: not a GenderML model file");
            var manifest = ModelManifestJson.Read(ReadEntry(manifestEntry, limits.MaxManifestBytes, Fail), p => Fail(p));

            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var info in manifest.Entries)
            {
                if (CheckName(info.Name) is { } problem || info.Name == ManifestName)
                    throw Fail($"{ManifestName} lists an invalid entry \"{info.Name}\"");
                if (!listed.Add(info.Name)) throw Fail($"{ManifestName} lists entry \"{info.Name}\" twice");
            }
            foreach (var name in byName.Keys)
                if (name != ManifestName && !listed.Contains(name)) throw Fail($"unexpected entry \"{name}\" (not listed in {ManifestName})");

            var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var info in manifest.Entries)
            {
                if (!byName.TryGetValue(info.Name, out var entry)) throw Fail($"missing entry \"{info.Name}\" (listed in {ManifestName})");
                if (entry.Length != info.Size) throw Fail($"entry \"{info.Name}\" is {entry.Length} bytes, {ManifestName} says {info.Size}");
                var bytes = ReadEntry(entry, limits.MaxEntryBytes, Fail);
                if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Sha256, StringComparison.Ordinal))
                    throw Fail($"entry \"{info.Name}\" is corrupt: its SHA-256 differs from {ManifestName}'s");
                if (info.Name.EndsWith(".safetensors", StringComparison.Ordinal) && NonFinite(bytes, $"{path}!{info.Name}") is { } bad)
                    throw Fail($"entry \"{info.Name}\": {bad}; every weight must be a finite number (the file is damaged or its training diverged)");
                contents[info.Name] = bytes;
            }
            return new ModelArchiveContents(manifest, contents);
        }
    }

    /// <summary>
    /// Where the safetensors <paramref name="bytes"/> hold a NaN or infinite value ("tensor 'w' holds NaN at element 3"),
    /// or null when every value is finite. A malformed file is left to its reader, which names the problem.
    /// </summary>
    private static string? NonFinite(byte[] bytes, string source)
    {
        Core.Serialization.SafeTensorsContent content;
        try { content = Core.Serialization.SafeTensors.Load(new MemoryStream(bytes, writable: false), source); }
        catch (InvalidDataException) { return null; }
        foreach (var (name, tensor) in content.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            float[] data = tensor.Data;
            for (int i = 0; i < data.Length; i++)
                if (!float.IsFinite(data[i]))
                    return $"tensor '{name}' holds {data[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at element {i}";
        }
        return null;
    }

    /// <summary>Reads an entry's declared bytes, failing if it holds more or fewer, or inflates badly.</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long limit, Func<string, Exception?, ModelFormatException> fail)
    {
        long declared = entry.Length;
        if (declared > limit) throw fail($"entry \"{entry.FullName}\" declares {declared} bytes, more than the {limit} allowed", null);
        var buffer = new byte[declared];
        try
        {
            using var s = entry.Open();
            int read = 0;
            while (read < buffer.Length)
            {
                int n = s.Read(buffer, read, buffer.Length - read);
                if (n == 0) throw fail($"entry \"{entry.FullName}\" is truncated: {read} of its declared {declared} bytes", null);
                read += n;
            }
            Span<byte> extra = stackalloc byte[1];
            if (s.Read(extra) != 0) throw fail($"entry \"{entry.FullName}\" holds more than its declared {declared} bytes", null);
        }
        catch (InvalidDataException e) { throw fail($"entry \"{entry.FullName}\" is corrupt ({e.Message})", e); }
        return buffer;
    }

    /// <summary>Null when <paramref name="name"/> is a safe relative entry name, else what is wrong with it.</summary>
    internal static string? CheckName(string name)
    {
        if (name.Length == 0) return "empty name";
        if (name.Length > 200) return "longer than 200 characters";
        if (name.Contains('\\')) return "contains a backslash";
        if (name[0] == '/') return "is an absolute path";
        if (name.Contains(':')) return "contains ':' (drive or stream)";
        foreach (var segment in name.Split('/'))
        {
            if (segment == "..") return "contains '..'";
            if (segment.Length == 0 || segment == ".") return "has an empty or '.' path segment";
        }
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/'))
                return $"contains character U+{(int)c:X4} (allowed: ASCII letters, digits, '.', '-', '_', '/')";
        return null;
    }
}
