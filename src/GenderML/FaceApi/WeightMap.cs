namespace GenderML.FaceApi;

/// <summary>
/// The tensors of one model, looked up by name with their shape checked (as face-api's
/// <c>extractParamsFromWeightMap</c> does), and converted from TensorFlow's layouts to the NCHW
/// engine's: conv filters HWIO → OIHW, depthwise <c>[kh,kw,c,1]</c> → <c>[c,1,kh,kw]</c>.
/// </summary>
internal sealed class WeightMap
{
    private readonly Dictionary<string, WeightTensor> _byName;

    public WeightMap(string modelName, IReadOnlyList<WeightTensor> tensors)
    {
        ModelName = modelName;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string ModelName { get; }

    /// <summary>Every tensor in manifest order.</summary>
    public IReadOnlyList<WeightTensor> Tensors { get; }

    /// <summary>The float32 tensor <paramref name="name"/>; <paramref name="shape"/> entries of -1 match any size.</summary>
    public WeightTensor Get(string name, params int[] shape)
    {
        if (!_byName.TryGetValue(name, out WeightTensor? t))
            throw new InvalidDataException($"{ModelName}: weight {name} is missing from the manifest; {ModelFiles.FetchHint}");
        bool ok = t.Floats is not null && t.Shape.Length == shape.Length;
        for (int i = 0; ok && i < shape.Length; i++) ok = shape[i] < 0 || shape[i] == t.Shape[i];
        if (!ok)
            throw new InvalidDataException($"{ModelName}: weight {name} is {t.ShapeText}, expected float32 [{string.Join(",", shape)}]");
        return t;
    }

    /// <summary>A float vector of length <paramref name="n"/>.</summary>
    public float[] Vector(string name, int n) => Get(name, n).Floats!;

    /// <summary>A conv filter stored HWIO <c>[kh,kw,cin,cout]</c>, returned as OIHW <c>[cout,cin,kh,kw]</c>.</summary>
    public float[] ConvFilterOihw(string name, int kh, int kw, int cin, int cout)
    {
        float[] src = Get(name, kh, kw, cin, cout).Floats!;
        var dst = new float[src.Length];
        for (int y = 0; y < kh; y++)
        for (int x = 0; x < kw; x++)
        for (int i = 0; i < cin; i++)
        for (int o = 0; o < cout; o++)
            dst[((o * cin + i) * kh + y) * kw + x] = src[((y * kw + x) * cin + i) * cout + o];
        return dst;
    }

    /// <summary>A depthwise filter stored <c>[kh,kw,c,1]</c>, returned as <c>[c,1,kh,kw]</c> (groups = c).</summary>
    public float[] DepthwiseFilter(string name, int kh, int kw, int c)
    {
        float[] src = Get(name, kh, kw, c, 1).Floats!;
        var dst = new float[src.Length];
        for (int y = 0; y < kh; y++)
        for (int x = 0; x < kw; x++)
        for (int i = 0; i < c; i++)
            dst[(i * kh + y) * kw + x] = src[(y * kw + x) * c + i];
        return dst;
    }
}
