using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>
/// TensorFlow's <c>separableConv2d</c> plus bias: a 3×3 depthwise conv (channel multiplier 1), then a
/// 1×1 pointwise conv, then the bias and the activation.
/// </summary>
internal sealed class SeparableConv(ConvLayer depthwise, ConvLayer pointwise)
{
    public ConvLayer Depthwise { get; } = depthwise;

    public ConvLayer Pointwise { get; } = pointwise;

    /// <summary>Loads <c>P/depthwise_filter [3,3,cin,1]</c>, <c>P/pointwise_filter [1,1,cin,cout]</c> and <c>P/bias [cout]</c>.</summary>
    public static SeparableConv Load(WeightMap w, string prefix, int cin, int cout, Activation activation,
        Padding padding = Padding.Same, int explicitPad = 0)
    {
        var dw = new ConvLayer(w.DepthwiseFilter(prefix + "/depthwise_filter", 3, 3, cin), null, cin, cin, 3, 1,
            padding, Activation.None, groups: cin, explicitPad: explicitPad);
        var pw = new ConvLayer(w.ConvFilterOihw(prefix + "/pointwise_filter", 1, 1, cin, cout), w.Vector(prefix + "/bias", cout),
            cin, cout, 1, 1, Padding.Valid, activation);
        return new SeparableConv(dw, pw);
    }

    public Tensor Forward(Tensor x, ComputeOptions? options) => Pointwise.Forward(Depthwise.Forward(x, options), options);
}
