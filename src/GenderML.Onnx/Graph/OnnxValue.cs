namespace GenderML.Onnx.Graph;

/// <summary>A named value of an <see cref="OnnxGraph"/> and its shape (axis 0 is the batch: -1).</summary>
internal readonly record struct OnnxValue(string Name, int[] Shape);
