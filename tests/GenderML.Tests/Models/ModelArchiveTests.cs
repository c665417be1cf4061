using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GenderML.Models;

namespace GenderML.Tests.Models;

public sealed class ModelArchiveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("genderml-archive-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    internal static ModelManifest Manifest() => new()
    {
        Kind = "logreg",
        Architecture = JsonSerializer.SerializeToElement("logreg-50-gray"),
        Classes = ["female", "male"],
        Preprocessing = JsonSerializer.SerializeToElement(new { size = 50, channels = 1, scale = "1/255" }),
        TrainingOptions = JsonSerializer.SerializeToElement(new { C = 1.0, maxIterations = 500 }),
        DatasetFingerprint = "sha256:abc",
        Metrics = JsonSerializer.SerializeToElement(new { accuracy = 0.85 }),
    };

    private static Dictionary<string, byte[]> Entries() => new()
    {
        ["weights.safetensors"] = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 31 % 251)).ToArray(),
        ["curves.json"] = Encoding.UTF8.GetBytes("{\"epochs\":[]}"),
    };

    [Fact]
    public void Save_then_load_round_trips_and_leaves_no_temp_file()
    {
        string path = PathOf("m.zip");
        File.WriteAllText(path, "old contents");
        var saved = ModelArchive.Save(path, Manifest(), Entries());
        var loaded = ModelArchive.Load(path);
        Assert.Equal(["m.zip"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(Entries().Keys.Order(), loaded.Entries.Keys.Order());
        foreach (var (name, bytes) in Entries()) Assert.Equal(bytes, loaded.Entries[name]);
        var m = loaded.Manifest;
        Assert.Equal((1, "logreg", "female,male", "sha256:abc"), (m.FormatVersion, m.Kind, string.Join(',', m.Classes), m.DatasetFingerprint));
        Assert.Equal("logreg-50-gray", m.Architecture.GetString());
        Assert.Equal(50, m.Preprocessing.GetProperty("size").GetInt32());
        Assert.Equal(0.85, m.Metrics.GetProperty("accuracy").GetDouble());
        Assert.Equal(saved.Entries, m.Entries);
        Assert.False(string.IsNullOrEmpty(m.LibraryVersion));
    }

    [Fact]
    public void The_same_contents_give_the_same_bytes()
    {
        ModelArchive.Save(PathOf("a.zip"), Manifest(), Entries());
        ModelArchive.Save(PathOf("b.zip"), Manifest(), Entries());
        Assert.Equal(File.ReadAllBytes(PathOf("a.zip")), File.ReadAllBytes(PathOf("b.zip")));
    }

    [Fact]
    public void A_failed_save_leaves_the_old_file()
    {
        string path = PathOf("m.zip");
        ModelArchive.Save(path, Manifest(), Entries());
        byte[] before = File.ReadAllBytes(path);
        var bad = Entries();
        bad["../evil"] = [1];
        Assert.Throws<ArgumentException>(() => ModelArchive.Save(path, Manifest(), bad));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Not_a_zip() => Rejected(File.WriteAllBytes, Encoding.ASCII.GetBytes("<html>not a zip</html>"), "not a valid zip archive");

    [Fact]
    public void Truncated_zip()
    {
        string path = PathOf("m.zip");
        ModelArchive.Save(path, Manifest(), Entries());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        AssertRejected(path, "zip");
    }

    [Fact]
    public void Corrupt_compressed_data()
    {
        string path = PathOf("m.zip");
        ModelArchive.Save(path, Manifest(), Entries());
        var bytes = File.ReadAllBytes(path);
        // Flip bytes inside the weights entry's compressed data (after its local header).
        int at = IndexOf(bytes, Encoding.ASCII.GetBytes("weights.safetensors")) + 40;
        for (int i = 0; i < 64; i++) bytes[at + i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        AssertRejected(path, "weights.safetensors");
    }

    [Fact]
    public void Missing_manifest() => AssertRejected(Zip(("weights.safetensors", [1, 2, 3])), "no manifest.json");

    [Theory]
    [InlineData(2, "model format version 2 is newer than this GenderML")]
    [InlineData(0, "unknown model format version 0")]
    public void Other_format_versions(int version, string message)
    {
        var json = JsonNodeOf(Manifest());
        json["formatVersion"] = version;
        AssertRejected(Zip(("manifest.json", Encoding.UTF8.GetBytes(json.ToJsonString()))), message);
    }

    [Fact]
    public void Manifest_not_json() => AssertRejected(Zip(("manifest.json", Encoding.UTF8.GetBytes("{\"formatVersion\": 1,"))), "manifest.json is not valid JSON");

    [Theory]
    [InlineData("kind", "manifest.json has no \"kind\"")]
    [InlineData("preprocessing", "manifest.json has no \"preprocessing\"")]
    [InlineData("entries", "manifest.json has no \"entries\"")]
    public void Manifest_missing_a_field(string field, string message)
    {
        var json = JsonNodeOf(Manifest());
        json.Remove(field);
        AssertRejected(Zip(("manifest.json", Encoding.UTF8.GetBytes(json.ToJsonString()))), message);
    }

    [Fact]
    public void Manifest_field_of_wrong_type()
    {
        var json = JsonNodeOf(Manifest());
        json["classes"] = "female,male";
        AssertRejected(Zip(("manifest.json", Encoding.UTF8.GetBytes(json.ToJsonString()))), "\"classes\" should be a JSON array");
    }

    [Theory]
    [InlineData("../weights.bin", "contains '..'")]
    [InlineData("a/../../weights.bin", "contains '..'")]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("a\\b.bin", "contains a backslash")]
    [InlineData("C:/x.bin", "contains ':'")]
    [InlineData("dir/", "has an empty or '.' path segment")]
    [InlineData("w\u00e9ights.bin", "contains character U+00E9")]
    public void Unsafe_entry_names(string name, string message) =>
        AssertRejected(WithEntries(Entries().Append(new(name, [1, 2])).ToArray(), listAll: true), $"unsafe entry name \"{name}\": {message}");

    [Fact]
    public void Unexpected_entry() =>
        AssertRejected(WithEntries(Entries().ToArray(), extra: [("notes.txt", [1])]), "unexpected entry \"notes.txt\"");

    [Fact]
    public void Missing_entry()
    {
        var listed = Entries().ToArray();
        AssertRejected(WithEntries(listed, present: listed.Where(e => e.Key != "curves.json").ToArray()), "missing entry \"curves.json\"");
    }

    [Fact]
    public void Duplicate_entry_names()
    {
        var entries = Entries().ToArray();
        AssertRejected(WithEntries(entries, extra: [("curves.json", entries.Single(e => e.Key == "curves.json").Value)]), "duplicate entry name \"curves.json\"");
        AssertRejected(WithEntries(entries, extra: [("Curves.json", [1])]), "duplicate entry name \"Curves.json\"");
    }

    [Fact]
    public void Declared_size_over_the_limit()
    {
        string path = PathOf("m.zip");
        ModelArchive.Save(path, Manifest(), Entries());
        var e = Assert.Throws<ModelFormatException>(() => ModelArchive.Load(path, new ModelArchiveLimits { MaxEntryBytes = 5000 }));
        Assert.Contains("entry \"weights.safetensors\" declares 10000 bytes, more than the 5000 allowed", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ModelFormatException>(() => ModelArchive.Load(path, new ModelArchiveLimits { MaxTotalBytes = 9000 }));
        Assert.Contains("in total", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_bomb_ratio() =>
        AssertRejected(WithEntries([new("weights.safetensors", new byte[4 << 20])]), "a ratio over 200 (zip bomb?)");

    [Fact]
    public void Actual_size_larger_than_declared()
    {
        var data = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7 % 253)).ToArray();
        // The zip's headers are patched to declare 1000 of the entry's 3000 bytes.
        string path = WithEntries([new("weights.safetensors", data)]);
        PatchDeclaredSize(path, "weights.safetensors", 1000);
        AssertRejected(path, "entry \"weights.safetensors\" is 1000 bytes, manifest.json says 3000");
        // Listed as its first 1000 bytes, it loads, and no more than the declared 1000 bytes are ever inflated.
        path = WithEntries([new("weights.safetensors", data[..1000])], present: [new("weights.safetensors", data)]);
        PatchDeclaredSize(path, "weights.safetensors", 1000);
        Assert.Equal(data[..1000], ModelArchive.Load(path).Entries["weights.safetensors"]);
    }

    [Fact]
    public void Wrong_checksum_or_size_in_manifest()
    {
        var entries = Entries().ToArray();
        var json = JsonNodeOf(Manifest() with { Entries = entries.Select(e => new ModelEntryInfo(e.Key, e.Value.Length, new string('0', 64))).ToArray() });
        AssertRejected(Zip([("manifest.json", Encoding.UTF8.GetBytes(json.ToJsonString())), .. entries.Select(e => (e.Key, e.Value))]), "SHA-256 differs");
        json = JsonNodeOf(Manifest() with { Entries = entries.Select(e => new ModelEntryInfo(e.Key, e.Value.Length + 1, Sha(e.Value))).ToArray() });
        AssertRejected(Zip([("manifest.json", Encoding.UTF8.GetBytes(json.ToJsonString())), .. entries.Select(e => (e.Key, e.Value))]), "manifest.json says");
    }

    [Fact]
    public void Missing_file_is_FileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ModelArchive.Load(PathOf("nothing.zip")));

    private void Rejected(Action<string, byte[]> write, byte[] bytes, string message)
    {
        string path = PathOf("bad.zip");
        write(path, bytes);
        AssertRejected(path, message);
    }

    private static void AssertRejected(string path, string message)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelArchive.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"expected \"{message}\" in: {e.Message}");
    }

    /// <summary>A zip whose manifest lists <paramref name="listed"/> (or all entries) and which holds <paramref name="present"/> (default: listed) plus <paramref name="extra"/>.</summary>
    private string WithEntries(KeyValuePair<string, byte[]>[] listed, KeyValuePair<string, byte[]>[]? present = null,
        (string, byte[])[]? extra = null, bool listAll = false)
    {
        var infos = listed.Where(e => listAll || ModelArchive.CheckName(e.Key) is null).Select(e => new ModelEntryInfo(e.Key, e.Value.Length, Sha(e.Value))).ToArray();
        var json = JsonNodeOf(Manifest() with { Entries = infos });
        var files = new List<(string, byte[])> { ("manifest.json", Encoding.UTF8.GetBytes(json.ToJsonString())) };
        files.AddRange((present ?? listed).Select(e => (e.Key, e.Value)));
        files.AddRange(extra ?? []);
        return Zip([.. files]);
    }

    private string Zip(params (string Name, byte[] Data)[] files)
    {
        string path = PathOf($"bad-{Guid.NewGuid():N}.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in files)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            s.Write(data);
        }
        return path;
    }

    private static System.Text.Json.Nodes.JsonObject JsonNodeOf(ModelManifest m) =>
        System.Text.Json.Nodes.JsonNode.Parse(ModelManifestJson.Write(m))!.AsObject();

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }

    /// <summary>Rewrites the uncompressed size in the local and central headers of <paramref name="name"/>.</summary>
    private static void PatchDeclaredSize(string path, string name, int size)
    {
        var bytes = File.ReadAllBytes(path);
        var nameBytes = Encoding.ASCII.GetBytes(name);
        for (int i = 0; i + 46 < bytes.Length; i++)
        {
            uint sig = BitConverter.ToUInt32(bytes, i);
            if (sig == 0x04034b50 && bytes.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 22, 4), size);
            if (sig == 0x02014b50 && bytes.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes))
                BitConverter.TryWriteBytes(bytes.AsSpan(i + 24, 4), size);
        }
        File.WriteAllBytes(path, bytes);
    }
}
