using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>Core layers filled with face-api's tensors (TensorFlow's layouts converted by <see cref="WeightMap"/>).
/// </summary>
internal static class TfjsLayers
{
    /// <summary>Weights of layers that are overwritten at once: the draw does not matter.</summary>
    private static Random Unused => new(0);

    /// <summary>A K×K conv from <c>filters [k,k,cin,cout]</c> and <c>bias [cout]</c> (names given in full).</summary>
    public static Conv2d Conv(WeightMap w, string filters, string bias, int kernel, int cin, int cout, int stride,
        ConvPadding padding)
    {
        var conv = new Conv2d(cin, cout, kernel, Unused, stride, padding);
        w.ConvFilterOihw(filters, kernel, kernel, cin, cout).CopyTo(conv.Weight.Value.Data, 0);
        w.Vector(bias, cout).CopyTo(conv.Bias!.Value.Data, 0);
        return conv;
    }

    /// <summary>
    /// TensorFlow's <c>separableConv2d</c> plus bias from <c>P/depthwise_filter [3,3,cin,1]</c>,
    /// <c>P/pointwise_filter [1,1,cin,cout]</c> and <c>P/bias [cout]</c>: a 3×3 depthwise conv, then 1×1 with bias.
    /// </summary>
    public static SeparableConv2d Separable(WeightMap w, string prefix, int cin, int cout, ConvPadding padding)
    {
        var conv = new SeparableConv2d(cin, cout, 3, Unused, 1, padding);
        w.DepthwiseFilter(prefix + "/depthwise_filter", 3, 3, cin).CopyTo(conv.Depthwise.Weight.Value.Data, 0);
        w.ConvFilterOihw(prefix + "/pointwise_filter", 1, 1, cin, cout).CopyTo(conv.Pointwise.Weight.Value.Data, 0);
        w.Vector(prefix + "/bias", cout).CopyTo(conv.Pointwise.Bias!.Value.Data, 0);
        return conv;
    }

    /// <summary>A dense layer from TensorFlow's <c>weights [in, out]</c> (transposed to out×in) and <c>bias [out]</c>.
    /// </summary>
    public static Dense Dense(WeightMap w, string weights, string? bias, int inFeatures, int outFeatures)
    {
        var dense = new Dense(inFeatures, outFeatures, Unused, bias is not null);
        float[] src = w.Get(weights, inFeatures, outFeatures).Floats!, dst = dense.Weight.Value.Data;
        for (int i = 0; i < inFeatures; i++)
        for (int j = 0; j < outFeatures; j++)
            dst[j * inFeatures + i] = src[i * outFeatures + j];
        if (bias is not null) w.Vector(bias, outFeatures).CopyTo(dense.Bias!.Value.Data, 0);
        return dense;
    }

    /// <summary>
    /// <c>W[o] ← W[o]·scale[o]</c>, <c>b[o] ← b[o]·scale[o] + shift[o]</c>: a conv then a channel affine as one conv.
    /// </summary>
    public static void FoldScale(Conv2d conv, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
        => FoldScale(conv.Weight.Value.Data, conv.Bias!.Value.Data, scale, shift);

    /// <summary><c>W[o] ← W[o]·scale[o]</c>, <c>b[o] ← b[o]·scale[o] + shift[o]</c> on OIHW weights.</summary>
    public static void FoldScale(Span<float> weight, Span<float> bias, ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift)
    {
        int per = weight.Length / bias.Length;
        for (int o = 0; o < bias.Length; o++)
        {
            for (int i = 0; i < per; i++) weight[o * per + i] *= scale[o];
            bias[o] = bias[o] * scale[o] + shift[o];
        }
    }

    /// <summary>Puts a pretrained network in evaluation mode, every parameter frozen, on the given threads.</summary>
    public static T Frozen<T>(T layer, ComputeOptions? compute) where T : Layer
    {
        layer.SetTraining(false);
        foreach (var p in layer.Parameters()) p.Trainable = false;
        layer.InputGradientNeeded = false;
        if (compute is not null) layer.SetCompute(compute);
        return layer;
    }

    /// <summary>
    /// <paramref name="layers"/> on <paramref name="x"/>, handing <paramref name="tap"/> the output of each layer whose
    /// entry in <paramref name="taps"/> names it (the golden outputs' names), when a tap is given.
    /// </summary>
    public static Tensor ForwardTapped(Sequential layers, IReadOnlyList<string?> taps, Tensor x,
        Action<string, Tensor>? tap)
    {
        if (tap is null) return layers.Forward(x);
        for (int i = 0; i < layers.Layers.Count; i++)
        {
            x = layers.Layers[i].Forward(x);
            if (taps[i] is { } name) tap(name, x);
        }
        return x;
    }
}
