using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using GenderML.Core;

namespace GenderML.Models;

/// <summary>
/// Reads and writes float32 tensors in the safetensors layout: an 8-byte little-endian header length N,
/// N bytes of JSON <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>
/// (padded with spaces to a multiple of 8), then the little-endian data, tensors back to back in header order.
/// </summary>
/// <remarks>Spec: https://github.com/huggingface/safetensors#format. Only F32 is accepted.</remarks>
internal static class SafeTensors
{
    private const long MaxHeaderBytes = 16 << 20;

    internal static byte[] Write(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        using var header = new MemoryStream();
        long offset = 0;
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                w.WriteEndObject();
            }
            foreach (var name in names)
            {
                if (name == "__metadata__") throw new ArgumentException("\"__metadata__\" is reserved", nameof(tensors));
                var t = tensors[name];
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += 4L * t.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int headerLength = (int)((header.Length + 7) / 8 * 8);
        var bytes = new byte[8 + headerLength + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerLength);
        header.ToArray().CopyTo(bytes, 8);
        bytes.AsSpan(8 + (int)header.Length, headerLength - (int)header.Length).Fill((byte)' ');
        long at = 8 + headerLength;
        foreach (var name in names)
        {
            var src = MemoryMarshal.AsBytes(tensors[name].Data.AsSpan());
            if (BitConverter.IsLittleEndian) src.CopyTo(bytes.AsSpan((int)at));
            else for (int i = 0; i < tensors[name].Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)at + 4 * i), tensors[name].Data[i]);
            at += src.Length;
        }
        return bytes;
    }

    /// <summary>Parses and checks every tensor; problems are reported as <see cref="ModelFormatException"/> for <paramref name="source"/>.</summary>
    internal static Dictionary<string, Tensor> Read(byte[] bytes, string source)
    {
        ModelFormatException Fail(string problem) => new(source, problem);
        if (bytes.Length < 8) throw Fail("not a safetensors file (shorter than its 8-byte header length)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw Fail($"safetensors header length {headerLength} does not fit the {bytes.Length}-byte file");
        long dataStart = 8 + (long)headerLength, dataLength = bytes.Length - dataStart;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength)); }
        catch (JsonException e) { throw Fail($"safetensors header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Fail("safetensors header is not a JSON object");
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var spans = new List<(long Begin, long End, string Name)>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__") continue;
                if (result.ContainsKey(p.Name)) throw Fail($"tensor \"{p.Name}\" appears twice");
                var v = p.Value;
                if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("dtype", out var dtype) || !v.TryGetProperty("shape", out var shapeJson)
                    || !v.TryGetProperty("data_offsets", out var offsets) || shapeJson.ValueKind != JsonValueKind.Array
                    || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
                    throw Fail($"tensor \"{p.Name}\" lacks dtype, shape or data_offsets");
                if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != "F32")
                    throw Fail($"tensor \"{p.Name}\" has dtype {dtype}, only F32 is supported");
                var shape = new int[shapeJson.GetArrayLength()];
                long count = 1;
                int k = 0;
                foreach (var d in shapeJson.EnumerateArray())
                {
                    if (!d.TryGetInt32(out int dim) || dim < 0) throw Fail($"tensor \"{p.Name}\" has a bad dimension {d}");
                    shape[k++] = dim;
                    count *= dim;
                    if (count > Array.MaxLength) throw Fail($"tensor \"{p.Name}\" is too large");
                }
                if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataLength)
                    throw Fail($"tensor \"{p.Name}\" has data_offsets outside the {dataLength}-byte data");
                if (end - begin != 4 * count)
                    throw Fail($"tensor \"{p.Name}\" of shape [{string.Join(", ", shape)}] needs {4 * count} bytes, its offsets span {end - begin}");
                var data = new float[count];
                var src = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin));
                if (BitConverter.IsLittleEndian) src.CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
                else for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                result[p.Name] = new Tensor(shape, data);
                spans.Add((begin, end, p.Name));
            }
            spans.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            long expected = 0;
            foreach (var (begin, end, name) in spans)
            {
                if (begin != expected) throw Fail($"tensor \"{name}\" overlaps another or leaves a gap (starts at {begin}, expected {expected})");
                expected = end;
            }
            if (expected != dataLength) throw Fail($"{dataLength - expected} bytes after the last tensor");
            return result;
        }
    }

    /// <summary>The tensor <paramref name="name"/>, which must exist with exactly <paramref name="shape"/>.</summary>
    internal static Tensor Require(IReadOnlyDictionary<string, Tensor> tensors, string name, int[] shape, string source)
    {
        if (!tensors.TryGetValue(name, out var t)) throw new ModelFormatException(source, $"missing tensor \"{name}\"");
        if (!t.HasShape(shape))
            throw new ModelFormatException(source, $"tensor \"{name}\" has shape [{string.Join(", ", t.ShapeArray())}], the architecture needs [{string.Join(", ", shape)}]");
        return t;
    }
}
