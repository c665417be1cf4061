namespace GenderML.Onnx.Graph;

/// <summary>A named value of an <see cref="OnnxGraph"/> and its shape (axis 0 is the batch: -1).</summary>
internal readonly record struct OnnxValue(string Name, int[] Shape)
{
    /// <summary>The shape without the batch axis.</summary>
    public int[] Item => Shape[1..];

    /// <summary>Dimension <paramref name="axis"/>.</summary>
    public int Dim(int axis) => Shape[axis];
}
