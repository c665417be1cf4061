using System.Buffers;
using System.Text.Json;

namespace GenderML.Core.Serialization;

/// <summary>Writes and strictly parses the JSON header of a safetensors file (float32 tensors only).</summary>
internal static class SafeTensorsHeader
{
    internal const string MetadataKey = "__metadata__";
    internal const long MaxHeaderBytes = 100L << 20; // the reference implementation's limit
    private static readonly HashSet<string> KnownDtypes = new(StringComparer.Ordinal)
    {
        "BOOL", "U8", "I8", "U16", "I16", "F16", "BF16", "U32", "I32", "F32", "U64", "I64", "F64", "F8_E4M3", "F8_E5M2",
    };

    /// <summary>The header bytes (UTF-8 JSON padded with spaces to a multiple of 8), tensors in the order given.</summary>
    internal static byte[] Write(IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var settings = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, settings))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += (long)tensor.Length * sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    /// <summary>
    /// Parses <paramref name="header"/> and checks it against a data section of <paramref name="dataLength"/> bytes:
    /// every entry F32 with a consistent shape and byte range, ranges in bounds, without overlaps or holes.
    /// Returns the entries sorted by offset.
    /// </summary>
    /// <exception cref="InvalidDataException">The header breaks the format; the message says where.</exception>
    internal static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> header, long dataLength, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the safetensors header is not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: the safetensors header must be a JSON object, found {document.RootElement.ValueKind}");
            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new InvalidDataException($"{source}: the header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, metadata, source);
                else
                    entries.Add(ReadEntry(property, dataLength, source));
            }
            CheckLayout(entries, dataLength, source);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: '{MetadataKey}' must be an object of strings, found {value.ValueKind}");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{source}: metadata '{item.Name}' must be a string, found {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new InvalidDataException($"{source}: metadata '{item.Name}' appears twice");
        }
    }

    private static SafeTensorsEntry ReadEntry(JsonProperty property, long dataLength, string source)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: tensor '{name}' must be an object with dtype, shape and data_offsets");
        if (!value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{source}: tensor '{name}' has no string 'dtype'");
        string type = dtype.GetString()!;
        if (type != "F32")
            throw new InvalidDataException(KnownDtypes.Contains(type)
                ? $"{source}: tensor '{name}' has dtype {type}; only F32 is supported (convert it to float32 when saving)"
                : $"{source}: tensor '{name}' has unknown dtype '{type}'; only F32 is supported");
        int[] shape = ReadShape(value, name, source);
        var (begin, end) = ReadOffsets(value, name, source);
        long elements = 1;
        foreach (int d in shape)
        {
            elements *= d; // stays below 2^62: each factor is below 2^31 and the running product is capped below
            if (elements > Array.MaxLength)
                throw new InvalidDataException($"{source}: tensor '{name}' of shape {TensorSetCheck.FormatShape(shape)} is too large to load");
        }
        if (end < begin)
            throw new InvalidDataException($"{source}: tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin");
        if (end > dataLength)
            throw new InvalidDataException($"{source}: tensor '{name}' has data_offsets [{begin}, {end}] beyond the data section of {dataLength} bytes (truncated file?)");
        if (end - begin != elements * sizeof(float))
            throw new InvalidDataException($"{source}: tensor '{name}' of shape {TensorSetCheck.FormatShape(shape)} needs {elements * sizeof(float)} bytes of F32 but data_offsets [{begin}, {end}] span {end - begin}");
        return new SafeTensorsEntry(name, shape, begin, end);
    }

    private static int[] ReadShape(JsonElement value, string name, string source)
    {
        if (!value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{source}: tensor '{name}' has no 'shape' array");
        var dims = new int[shape.GetArrayLength()];
        int i = 0;
        foreach (JsonElement d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw new InvalidDataException($"{source}: tensor '{name}' has shape entry {d.GetRawText()}; dimensions must be whole numbers in [0, 2³¹)");
            dims[i++] = dim;
        }
        return dims;
    }

    private static (long Begin, long End) ReadOffsets(JsonElement value, string name, string source)
    {
        if (!value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidDataException($"{source}: tensor '{name}' needs 'data_offsets' as [begin, end]");
        long Read(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) && v >= 0
            ? v
            : throw new InvalidDataException($"{source}: tensor '{name}' has data offset {e.GetRawText()}; offsets must be whole numbers ≥ 0");
        return (Read(offsets[0]), Read(offsets[1]));
    }

    /// <summary>Sorts by offset and requires the ranges to tile the data section exactly (the spec forbids holes).</summary>
    private static void CheckLayout(List<SafeTensorsEntry> entries, long dataLength, string source)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry entry in entries)
        {
            if (entry.Begin < expected)
                throw new InvalidDataException($"{source}: tensor '{entry.Name}' [{entry.Begin}, {entry.End}] overlaps '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            if (entry.Begin > expected)
                throw new InvalidDataException($"{source}: bytes [{expected}, {entry.Begin}) of the data section belong to no tensor (a hole before '{entry.Name}')");
            expected = entry.End;
            previous = entry;
        }
        if (expected != dataLength)
            throw new InvalidDataException($"{source}: the tensors cover {expected} bytes but the data section holds {dataLength} (trailing bytes)");
    }
}
