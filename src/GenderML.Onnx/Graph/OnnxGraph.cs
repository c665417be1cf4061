using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace GenderML.Onnx.Graph;

/// <summary>
/// An ONNX graph under construction: nodes, float initializers, inputs and outputs with a symbolic batch axis named
/// <c>batch</c>, and unique names. Every value carries its shape; axis 0 is the batch (-1 while building).
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The name of the symbolic batch axis of every input and output.</summary>
    public const string BatchAxis = "batch";

    /// <summary>The ONNX opset the graph's nodes are written for.</summary>
    public const int Opset = 13;

    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<float[], OnnxValue> _shared = new(ReferenceEqualityComparer.Instance);

    public OnnxGraph(string name) => _graph.Name = name;

    /// <summary>Declares a float input of shape <c>[batch, ...dims]</c>.</summary>
    public OnnxValue Input(string name, params int[] dims)
    {
        Reserve(name);
        _graph.Input.Add(ValueInfo(name, dims));
        return new OnnxValue(name, [-1, .. dims]);
    }

    /// <summary>Declares <paramref name="value"/> as a float output named <paramref name="name"/>.</summary>
    public void Output(string name, OnnxValue value)
    {
        var named = Node("Identity", [value.Name], value.Shape, name);
        _graph.Output.Add(ValueInfo(named.Name, value.Shape[1..]));
    }

    /// <summary>A float constant (initializer) with the given dims.</summary>
    public OnnxValue Constant(string hint, float[] data, params int[] dims)
    {
        // A network written twice (a model that also runs the mirror image) shares its weights.
        if (_shared.TryGetValue(data, out var known) && known.Shape.SequenceEqual(dims)) return known;
        long count = 1;
        foreach (int d in dims) count *= d;
        if (count != data.Length)
            throw new ArgumentException($"{hint}: {data.Length} values do not fill [{string.Join(", ", dims)}]");
        var t = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int d in dims) t.Dims.Add(d);
        var bytes = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
        t.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(t);
        return _shared[data] = new OnnxValue(t.Name, dims);
    }

    /// <summary>An int64 constant (shapes, axes, pads).</summary>
    public string Int64s(string hint, params long[] values)
    {
        var t = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.Add(values);
        _graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>Adds a node with one output of the given shape; attributes are (name, value) pairs.</summary>
    public OnnxValue Node(string op, IReadOnlyList<string> inputs, int[] shape, string? outputName = null,
        params (string Name, object Value)[] attributes) => NodeOutput(op, inputs, 0, shape, outputName, attributes);

    /// <summary>
    /// Adds a node and names only its output number <paramref name="index"/> (the outputs before it are left out, as
    /// ONNX allows for optional outputs).
    /// </summary>
    public OnnxValue NodeOutput(string op, IReadOnlyList<string> inputs, int index, int[] shape, string? outputName = null,
        params (string Name, object Value)[] attributes)
    {
        string output = outputName is null ? Fresh(op.ToLowerInvariant()) : Reserve(outputName);
        var node = new NodeProto { OpType = op, Name = output + "_node" };
        node.Input.Add(inputs);
        for (int i = 0; i < index; i++) node.Output.Add("");
        node.Output.Add(output);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(node);
        return new OnnxValue(output, shape);
    }

    /// <summary>The model: this graph, opset <see cref="Opset"/>, and <paramref name="metadata"/> as metadata_props.
    /// </summary>
    public ModelProto ToModel(IReadOnlyDictionary<string, string> metadata, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "GenderML",
            ProducerVersion = typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "",
            Graph = _graph,
            DocString = docString,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case int[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.Add(ints.Select(x => (long)x)); break;
            case float[] floats: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.Add(floats); break;
            default: throw new ArgumentException($"attribute {name}: {value.GetType().Name} is not supported");
        }
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchAxis });
        foreach (int d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    private string Reserve(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"the graph already has a value named '{name}'");
        return name;
    }

    private string Fresh(string hint)
    {
        string clean = new([.. hint.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c : '_')]);
        for (int i = 0; ; i++)
        {
            string name = i == 0 ? clean : string.Create(CultureInfo.InvariantCulture, $"{clean}_{i}");
            if (_names.Add(name)) return name;
        }
    }
}
