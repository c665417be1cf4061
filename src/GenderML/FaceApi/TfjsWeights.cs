using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace GenderML.FaceApi;

/// <summary>
/// Reads a TensorFlow.js weights manifest (<c>NAME-weights_manifest.json</c>) and its <c>.bin</c> shards.
/// </summary>
/// <remarks>
/// The shards hold the tensors concatenated in manifest order with no padding. A quantized entry stores
/// one byte a value, dequantized as <c>(float)(q·scale + min)</c> computed in double and rounded once
/// (tfjs-core <c>decodeWeights</c>), or <c>Math.round(q·scale + min)</c> for int32; other entries are
/// little-endian float32 or int32 (faceapi-models.md §2).
/// </remarks>
internal static class TfjsWeights
{
    /// <summary>Loads model <paramref name="modelName"/> (e.g. <c>age_gender_model</c>) from <paramref name="folder"/>
    /// (null: the packaged weights), sha256-checked.</summary>
    public static WeightMap Load(string? folder, string modelName)
    {
        string manifestName = modelName + "-weights_manifest.json";
        byte[] manifest = ModelFiles.ReadVerified(folder, manifestName);
        var tensors = new List<WeightTensor>();
        using var doc = JsonDocument.Parse(manifest);
        foreach (JsonElement group in doc.RootElement.EnumerateArray())
        {
            var shards = new List<byte[]>();
            foreach (JsonElement p in group.GetProperty("paths").EnumerateArray())
                shards.Add(ModelFiles.ReadVerified(folder, p.GetString()!));
            byte[] data = shards.Count == 1 ? shards[0] : shards.SelectMany(s => s).ToArray();
            int offset = 0;
            foreach (JsonElement w in group.GetProperty("weights").EnumerateArray())
                tensors.Add(Decode(w, data, ref offset, manifestName));
            if (offset != data.Length)
                throw new InvalidDataException($"{manifestName}: tensors use {offset} bytes but the shards hold {data.Length}");
        }

        return new WeightMap(modelName, tensors);
    }

    private static WeightTensor Decode(JsonElement w, byte[] data, ref int offset, string source)
    {
        string name = w.GetProperty("name").GetString()!;
        int[] shape = w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        string dtype = w.GetProperty("dtype").GetString()!;
        if (dtype is not ("float32" or "int32"))
            throw new InvalidDataException($"{source}: {name} has dtype {dtype}; only float32 and int32 are supported");
        int n = 1;
        foreach (int d in shape) n = checked(n * d);
        bool isInt = dtype == "int32";
        if (w.TryGetProperty("quantization", out JsonElement q))
        {
            string qtype = q.GetProperty("dtype").GetString()!;
            if (qtype != "uint8")
                throw new InvalidDataException($"{source}: {name} uses {qtype} quantization; only uint8 is supported");
            double scale = q.GetProperty("scale").GetDouble(), min = q.GetProperty("min").GetDouble();
            Require(data, offset, n, name, source);
            var codes = data.AsSpan(offset, n);
            offset += n;
            if (isInt)
            {
                var ints = new int[n];
                for (int i = 0; i < n; i++) ints[i] = (int)Math.Floor(codes[i] * scale + min + 0.5); // JS Math.round
                return new WeightTensor(name, shape, null, ints, true);
            }

            var floats = new float[n];
            for (int i = 0; i < n; i++) floats[i] = (float)(codes[i] * scale + min);
            return new WeightTensor(name, shape, floats, null, true);
        }

        Require(data, offset, checked(4 * n), name, source);
        var raw = data.AsSpan(offset, 4 * n);
        offset += 4 * n;
        if (isInt)
        {
            var ints = new int[n];
            for (int i = 0; i < n; i++) ints[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
            return new WeightTensor(name, shape, null, ints, false);
        }
        else
        {
            var floats = new float[n];
            for (int i = 0; i < n; i++) floats[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
            return new WeightTensor(name, shape, floats, null, false);
        }
    }

    private static void Require(byte[] data, int offset, int count, string name, string source)
    {
        if ((long)offset + count > data.Length)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: {name} needs bytes {offset}..{offset + count} but the shards end at {data.Length}"));
    }
}
