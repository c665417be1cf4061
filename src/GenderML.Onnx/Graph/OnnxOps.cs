using GenderML.Core.Layers;

namespace GenderML.Onnx.Graph;

/// <summary>ONNX operators on an <see cref="OnnxGraph"/>, each computing its output's shape.</summary>
internal static class OnnxOps
{
    public static OnnxValue Unary(this OnnxGraph g, string op, OnnxValue x, params (string, object)[] attributes) =>
        g.Node(op, [x.Name], x.Shape, null, attributes);

    public static OnnxValue Relu(this OnnxGraph g, OnnxValue x) => g.Unary("Relu", x);

    public static OnnxValue Sigmoid(this OnnxGraph g, OnnxValue x) => g.Unary("Sigmoid", x);

    /// <summary>Elementwise <c>op(a, b)</c> with numpy broadcasting; the output has <paramref name="a"/>'s shape.</summary>
    public static OnnxValue Binary(this OnnxGraph g, string op, OnnxValue a, OnnxValue b) =>
        g.Node(op, [a.Name, b.Name], a.Shape);

    public static OnnxValue Add(this OnnxGraph g, OnnxValue a, OnnxValue b) => g.Binary("Add", a, b);

    /// <summary><c>x·scale + shift</c> per channel of an N×C×H×W value (or per feature of N×F).</summary>
    public static OnnxValue ChannelAffine(this OnnxGraph g, OnnxValue x, float[] scale, float[] shift, string hint)
    {
        int[] dims = x.Shape.Length == 4 ? [scale.Length, 1, 1] : [scale.Length];
        var y = g.Binary("Mul", x, g.Constant(hint + ".scale", scale, dims));
        return g.Binary("Add", y, g.Constant(hint + ".shift", shift, dims));
    }

    /// <summary>N×… → N×(product of the rest): the explicit flatten every Gemm needs.</summary>
    public static OnnxValue Flatten(this OnnxGraph g, OnnxValue x)
    {
        if (x.Shape.Length == 2) return x;
        int rest = 1;
        for (int i = 1; i < x.Shape.Length; i++) rest *= x.Shape[i];
        return g.Node("Flatten", [x.Name], [-1, rest], null, ("axis", 1));
    }

    /// <summary><c>y = x·Wᵀ + b</c> with W out×in (a <see cref="Dense"/> layer's layout).</summary>
    public static OnnxValue Gemm(this OnnxGraph g, OnnxValue x, float[] weight, float[]? bias,
        int inFeatures, int outFeatures, string hint)
    {
        x = g.Flatten(x);
        if (x.Shape[1] != inFeatures)
            throw new InvalidOperationException($"{hint}: expects {inFeatures} features, the graph has {x.Shape[1]}");
        var w = g.Constant(hint + ".weight", weight, outFeatures, inFeatures);
        string[] inputs = bias is null ? [x.Name, w.Name] : [x.Name, w.Name, g.Constant(hint + ".bias", bias, outFeatures).Name];
        return g.Node("Gemm", inputs, [-1, outFeatures], null, ("transB", 1));
    }

    /// <summary>A 2-D convolution with explicit pads [top, left, bottom, right].</summary>
    public static OnnxValue Conv(this OnnxGraph g, OnnxValue x, float[] weight, float[]? bias,
        int outChannels, int kernel, int stride, int groups, (int Top, int Left, int Bottom, int Right) pads, string hint)
    {
        int cin = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        var w = g.Constant(hint + ".weight", weight, outChannels, cin / groups, kernel, kernel);
        string[] inputs = bias is null ? [x.Name, w.Name] : [x.Name, w.Name, g.Constant(hint + ".bias", bias, outChannels).Name];
        int oh = (h + pads.Top + pads.Bottom - kernel) / stride + 1, ow = (wd + pads.Left + pads.Right - kernel) / stride + 1;
        return g.Node("Conv", inputs, [-1, outChannels, oh, ow], null,
            ("kernel_shape", new[] { kernel, kernel }), ("strides", new[] { stride, stride }),
            ("pads", new[] { pads.Top, pads.Left, pads.Bottom, pads.Right }), ("group", groups));
    }

    /// <summary>Max or average pooling ("MaxPool", "AveragePool") with a layer's padding resolved for x.</summary>
    public static OnnxValue Pool(this OnnxGraph g, string op, OnnxValue x, int kernel, int stride, ConvPadding padding,
        bool countIncludePad = false)
    {
        var (top, bottom) = padding.Resolve(x.Shape[2], kernel, stride, vertical: true);
        var (left, right) = padding.Resolve(x.Shape[3], kernel, stride, vertical: false);
        int oh = (x.Shape[2] + top + bottom - kernel) / stride + 1, ow = (x.Shape[3] + left + right - kernel) / stride + 1;
        var attributes = new List<(string, object)>
        {
            ("kernel_shape", new[] { kernel, kernel }), ("strides", new[] { stride, stride }),
            ("pads", new[] { top, left, bottom, right }),
        };
        if (op == "AveragePool") attributes.Add(("count_include_pad", countIncludePad ? 1 : 0));
        return g.Node(op, [x.Name], [-1, x.Shape[1], oh, ow], null, [.. attributes]);
    }

    /// <summary>N×C×H×W → N×C: the spatial mean.</summary>
    public static OnnxValue SpatialMean(this OnnxGraph g, OnnxValue x) =>
        g.Flatten(g.Node("GlobalAveragePool", [x.Name], [-1, x.Shape[1], 1, 1]));

    /// <summary>Zero padding at the end of each axis (<paramref name="after"/> has one entry per axis).</summary>
    public static OnnxValue PadEnd(this OnnxGraph g, OnnxValue x, params int[] after)
    {
        if (after.All(a => a == 0)) return x;
        long[] pads = [.. Enumerable.Repeat(0L, after.Length), .. after.Select(a => (long)a)];
        int[] shape = [.. x.Shape.Select((d, i) => i == 0 ? d : d + after[i])];
        return g.Node("Pad", [x.Name, g.Int64s("pads", pads)], shape);
    }

    public static OnnxValue Transpose(this OnnxGraph g, OnnxValue x, params int[] perm) =>
        g.Node("Transpose", [x.Name], [.. perm.Select(p => x.Shape[p])], null, ("perm", perm));

    /// <summary>Reshape keeping the batch axis: <c>[batch, ...item]</c>.</summary>
    public static OnnxValue Reshape(this OnnxGraph g, OnnxValue x, params int[] item) =>
        g.Node("Reshape", [x.Name, g.Int64s("shape", [0, .. item.Select(d => (long)d)])], [-1, .. item]);

    /// <summary>Concatenation along the feature axis 1.</summary>
    public static OnnxValue Concat(this OnnxGraph g, params OnnxValue[] parts) =>
        g.Node("Concat", [.. parts.Select(p => p.Name)], [-1, parts.Sum(p => p.Shape[1]), .. parts[0].Shape[2..]], null,
            ("axis", 1));

    /// <summary>Columns [start, end) of an N×F value.</summary>
    public static OnnxValue Columns(this OnnxGraph g, OnnxValue x, int start, int end) =>
        g.Node("Slice", [x.Name, g.Int64s("starts", start), g.Int64s("ends", end), g.Int64s("axes", 1)], [-1, end - start]);

    /// <summary><c>(a + b) / 2</c>.</summary>
    public static OnnxValue Average(this OnnxGraph g, OnnxValue a, OnnxValue b) =>
        g.Binary("Mul", g.Add(a, b), g.Constant("half", [0.5f]));

    /// <summary>A constant scalar.</summary>
    public static OnnxValue Scalar(this OnnxGraph g, string hint, float value) => g.Constant(hint, [value]);
}
