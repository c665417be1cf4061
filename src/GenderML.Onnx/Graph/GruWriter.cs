using GenderML.Core.Layers;

namespace GenderML.Onnx.Graph;

/// <summary>
/// A <see cref="Gru"/> layer as ONNX's GRU operator with <c>linear_before_reset = 1</c> (the PyTorch form Core uses:
/// <c>n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn))</c>), returning the last hidden state N×H.
/// </summary>
/// <remarks>Core stacks the gates as (r, z, n); ONNX as (z, r, h): the rows are reordered. Spec:
/// https://onnx.ai/onnx/operators/onnx__GRU.html</remarks>
internal static class GruWriter
{
    public static OnnxValue Write(OnnxGraph g, Gru gru, OnnxValue x, string hint)
    {
        int h = gru.HiddenSize, f = gru.InputSize;
        if (x.Shape.Length != 3 || x.Shape[2] != f)
            throw new InvalidOperationException($"{hint}: expects N×T×{f}, the graph has [{string.Join(", ", x.Shape)}]");
        var w = g.Constant(hint + ".W", ZrnOrder(gru.WeightIh.Value.Data, h, f), 1, 3 * h, f);
        var r = g.Constant(hint + ".R", ZrnOrder(gru.WeightHh.Value.Data, h, h), 1, 3 * h, h);
        float[] bias = [.. ZrnOrder(gru.BiasIh.Value.Data, h, 1), .. ZrnOrder(gru.BiasHh.Value.Data, h, 1)];
        var b = g.Constant(hint + ".B", bias, 1, 6 * h);
        var sequence = g.Transpose(x, 1, 0, 2);   // T×N×F
        var last = g.NodeOutput("GRU", [sequence.Name, w.Name, r.Name, b.Name], 1, [1, -1, h], null,
            ("hidden_size", h), ("linear_before_reset", 1));
        // [1, N, H] → [N, H]
        return g.Node("Squeeze", [last.Name, g.Int64s("axes", 0)], [-1, h]);
    }

    /// <summary>Rows (r, z, n) of <paramref name="cols"/> values each → rows (z, r, n).</summary>
    private static float[] ZrnOrder(float[] rzn, int h, int cols)
    {
        var result = new float[rzn.Length];
        int block = h * cols;
        rzn.AsSpan(block, block).CopyTo(result);
        rzn.AsSpan(0, block).CopyTo(result.AsSpan(block));
        rzn.AsSpan(2 * block, block).CopyTo(result.AsSpan(2 * block));
        return result;
    }
}
