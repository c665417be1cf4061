namespace GenderML.FaceApi;

/// <summary>One named tensor of a TF.js weights manifest, dequantized: float32 values or int32 values, TensorFlow layout (row-major, last dimension fastest).</summary>
internal sealed class WeightTensor(string name, int[] shape, float[]? floats, int[]? ints, bool quantized)
{
    public string Name { get; } = name;

    public int[] Shape { get; } = shape;

    /// <summary>The values when the dtype is float32, else null.</summary>
    public float[]? Floats { get; } = floats;

    /// <summary>The values when the dtype is int32, else null.</summary>
    public int[]? Ints { get; } = ints;

    /// <summary>True when the file stored uint8 codes (dequantized on load).</summary>
    public bool Quantized { get; } = quantized;

    public int Length => Floats?.Length ?? Ints!.Length;

    public string ShapeText => "[" + string.Join(",", Shape) + "]";
}
