using System.Globalization;
using System.Text.Json;

namespace GenderML.Models;

/// <summary>Reads and writes <see cref="ModelManifest"/> as <c>manifest.json</c>, checking every field's type.</summary>
internal static class ModelManifestJson
{
    internal static byte[] Write(ModelManifest m)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("formatVersion", m.FormatVersion);
            w.WriteString("kind", m.Kind);
            w.WritePropertyName("architecture"); m.Architecture.WriteTo(w);
            w.WriteStartArray("classes");
            foreach (var c in m.Classes) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WritePropertyName("preprocessing"); m.Preprocessing.WriteTo(w);
            w.WritePropertyName("trainingOptions"); m.TrainingOptions.WriteTo(w);
            w.WriteString("datasetFingerprint", m.DatasetFingerprint);
            w.WritePropertyName("metrics"); m.Metrics.WriteTo(w);
            w.WriteString("libraryVersion", m.LibraryVersion);
            w.WriteStartArray("entries");
            foreach (var e in m.Entries)
            {
                w.WriteStartObject();
                w.WriteString("name", e.Name);
                w.WriteNumber("size", e.Size);
                w.WriteString("sha256", e.Sha256);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>The JSON path of the first number in <paramref name="e"/> that is not a finite double, or null.</summary>
    private static string? FirstNonFinite(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                return e.TryGetDouble(out double d) && double.IsFinite(d) ? null : $"{(path.Length == 0 ? "the root" : path)} ({e.GetRawText()})";
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                    if (FirstNonFinite(p.Value, $"{path}.{p.Name}") is { } found) return found;
                return null;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in e.EnumerateArray())
                    if (FirstNonFinite(item, $"{path}[{i++}]") is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    /// <summary>Parses manifest bytes; problems are reported as messages for <see cref="ModelFormatException"/>.</summary>
    internal static ModelManifest Read(byte[] bytes, Func<string, Exception> fail)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw fail($"manifest.json is not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw fail("manifest.json is not a JSON object");
            if (FirstNonFinite(root, "") is { } where)
                throw fail($"manifest.json holds a number out of range at {where}; every number must be finite (the file is damaged)");
            JsonElement Get(string name, JsonValueKind? kind = null)
            {
                if (!root.TryGetProperty(name, out var v)) throw fail($"manifest.json has no \"{name}\"");
                if (kind is { } k && v.ValueKind != k) throw fail($"manifest.json \"{name}\" should be a JSON {k.ToString().ToLowerInvariant()}, is {v.ValueKind.ToString().ToLowerInvariant()}");
                return v;
            }
            var version = Get("formatVersion", JsonValueKind.Number);
            if (!version.TryGetInt32(out int fv)) throw fail("manifest.json \"formatVersion\" is not an integer");
            if (fv > ModelManifest.CurrentFormatVersion)
                throw fail($"model format version {fv} is newer than this GenderML ({ModelArchive.LibraryVersion}) reads (version {ModelManifest.CurrentFormatVersion}): upgrade GenderML");
            if (fv != ModelManifest.CurrentFormatVersion)
                throw fail($"unknown model format version {fv} (this GenderML reads version {ModelManifest.CurrentFormatVersion})");
            var classes = Get("classes", JsonValueKind.Array).EnumerateArray().Select(c =>
                c.ValueKind == JsonValueKind.String ? c.GetString()! : throw fail("manifest.json \"classes\" should hold strings")).ToArray();
            var architecture = Get("architecture");
            if (architecture.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
                throw fail("manifest.json \"architecture\" should be a string or an object");
            // Files written before models became deterministic also hold "createdUtc", which is ignored.
            var entries = new List<ModelEntryInfo>();
            foreach (var e in Get("entries", JsonValueKind.Array).EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object
                    || !e.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
                    || !e.TryGetProperty("size", out var s) || !s.TryGetInt64(out long size) || size < 0
                    || !e.TryGetProperty("sha256", out var h) || h.ValueKind != JsonValueKind.String)
                    throw fail("manifest.json \"entries\" should hold {\"name\", \"size\", \"sha256\"} objects");
                entries.Add(new ModelEntryInfo(n.GetString()!, size, h.GetString()!));
            }
            return new ModelManifest
            {
                FormatVersion = fv,
                Kind = Get("kind", JsonValueKind.String).GetString()!,
                Architecture = architecture.Clone(),
                Classes = classes,
                Preprocessing = Get("preprocessing", JsonValueKind.Object).Clone(),
                TrainingOptions = Get("trainingOptions", JsonValueKind.Object).Clone(),
                DatasetFingerprint = Get("datasetFingerprint", JsonValueKind.String).GetString()!,
                Metrics = Get("metrics", JsonValueKind.Object).Clone(),
                LibraryVersion = Get("libraryVersion", JsonValueKind.String).GetString()!,
                Entries = entries,
            };
        }
    }
}
