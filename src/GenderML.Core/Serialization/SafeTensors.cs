using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GenderML.Core.Serialization;

/// <summary>
/// Saves and loads named float32 tensors in the safetensors layout: an 8-byte little-endian header length N,
/// N bytes of UTF-8 JSON <c>{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>
/// (padded with spaces to a multiple of 8), then the tensors' little-endian bytes, names sorted ordinally.
/// </summary>
/// <remarks>
/// Format: https://github.com/huggingface/safetensors#format (see README.md beside this file). Loading is strict:
/// a header whose length exceeds the file, invalid JSON, a dtype other than F32, offsets out of range, overlapping or
/// leaving holes, or (for <see cref="LoadInto"/>) a missing, extra or misshapen tensor is an
/// <see cref="InvalidDataException"/> that names the file, the tensor and the fix.
/// </remarks>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (and optional string <paramref name="metadata"/>) to <paramref name="path"/>,
    /// replacing it only once the whole file is written.</summary>
    /// <exception cref="ArgumentException">A name is empty or <c>__metadata__</c>.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string temporary = path + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                Save(stream, tensors, metadata);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the values of <paramref name="parameters"/> under their names to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">Two parameters share a name.</exception>
    public static void Save(string path, IEnumerable<Parameter> parameters, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, ToDictionary(parameters), metadata);

    /// <summary>Writes <paramref name="tensors"/> (and optional string <paramref name="metadata"/>) to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">A name is empty or <c>__metadata__</c>.</exception>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var sorted = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        foreach (var (name, tensor) in sorted)
        {
            if (name.Length == 0 || name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"'{name}' cannot name a tensor in a safetensors file", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
        }
        byte[] header = SafeTensorsHeader.Write(sorted, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor) in sorted) WriteFloats(stream, tensor.Data);
    }

    /// <summary>Reads every tensor and the metadata of the safetensors file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file breaks the format; the message names the problem.</exception>
    public static SafeTensorsContent Load(string path)
    {
        using var stream = OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads every tensor and the metadata of a safetensors file from <paramref name="stream"/>, naming
    /// <paramref name="source"/> in errors.</summary>
    /// <exception cref="InvalidDataException">The content breaks the format; the message names the problem.</exception>
    public static SafeTensorsContent Load(Stream stream, string source = "safetensors stream")
    {
        var (entries, metadata) = ReadHeader(ref stream, source);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in entries)
        {
            var tensor = new Tensor(entry.Shape);
            ReadFloats(stream, tensor.Data, source, entry.Name);
            tensors.Add(entry.Name, tensor);
        }
        return new SafeTensorsContent(tensors, metadata);
    }

    /// <summary>
    /// Copies the tensors of the file at <paramref name="path"/> into the values of <paramref name="parameters"/>,
    /// matched by name, and returns the file's metadata. The file must hold exactly these names with these shapes.
    /// </summary>
    /// <exception cref="InvalidDataException">The file breaks the format, or a tensor is missing, extra or misshapen
    /// (every such tensor is named with both shapes); no parameter is changed then.</exception>
    public static IReadOnlyDictionary<string, string> LoadInto(string path, IEnumerable<Parameter> parameters)
    {
        Dictionary<string, Tensor> targets = ToDictionary(parameters);
        using Stream stream = OpenRead(path);
        Stream data = stream;
        var (entries, metadata) = ReadHeader(ref data, path);
        var expected = targets.Select(t => new KeyValuePair<string, int[]>(t.Key, t.Value.ShapeArray())).ToList();
        var found = entries.ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal);
        TensorSetCheck.ThrowIfMismatched($"{path} does not match the parameters", expected, found);
        foreach (SafeTensorsEntry entry in entries) ReadFloats(data, targets[entry.Name].Data, path, entry.Name);
        return metadata;
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    private static Dictionary<string, Tensor> ToDictionary(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (Parameter p in parameters)
            if (!result.TryAdd(p.Name, p.Value))
                throw new ArgumentException($"parameter '{p.Name}' appears twice; names must be unique", nameof(parameters));
        return result;
    }

    /// <summary>Reads and validates the header; leaves <paramref name="stream"/> at the start of the data section
    /// (replacing a non-seekable stream with a buffered copy so its length is known).</summary>
    private static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) ReadHeader(ref Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long available = stream.Length - stream.Position;
        if (available < 8)
            throw new InvalidDataException($"{source}: {available} bytes is too short for a safetensors file (it starts with an 8-byte header length)");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(available - 8))
            throw new InvalidDataException($"{source}: the header length {headerLength} runs past the end of the file ({available} bytes); not a safetensors file, or truncated");
        if (headerLength > SafeTensorsHeader.MaxHeaderBytes)
            throw new InvalidDataException($"{source}: the header length {headerLength} exceeds the {SafeTensorsHeader.MaxHeaderBytes}-byte limit");
        if (headerLength < 2)
            throw new InvalidDataException($"{source}: the header length {headerLength} is too small for a JSON object");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        if (header[0] != (byte)'{')
            throw new InvalidDataException($"{source}: the header must start with '{{', found 0x{header[0]:X2}; not a safetensors file");
        return SafeTensorsHeader.Parse(header, available - 8 - (long)headerLength, source);
    }

    private static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        var swapped = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(swapped.AsSpan(i * sizeof(float)), data[i]);
        stream.Write(swapped);
    }

    private static void ReadFloats(Stream stream, float[] destination, string source, string name)
    {
        try
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(destination.AsSpan()));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source}: the file ends inside tensor '{name}' (truncated)", e);
        }
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(destination.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }
}
