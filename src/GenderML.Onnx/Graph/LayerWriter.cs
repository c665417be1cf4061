using GenderML.Classifiers;
using GenderML.Core.Layers;
using GenderML.FaceApi;

namespace GenderML.Onnx.Graph;

/// <summary>
/// Writes a network of Core layers (in evaluation mode: batch norm on running statistics, dropout off) into an
/// <see cref="OnnxGraph"/>, one ONNX operator or a few per layer.
/// </summary>
internal static class LayerWriter
{
    /// <summary>Appends <paramref name="layer"/> applied to <paramref name="x"/>; returns its output.</summary>
    /// <exception cref="NotSupportedException">A layer type this writer does not know.</exception>
    public static OnnxValue Write(OnnxGraph g, Layer layer, OnnxValue x)
    {
        string hint = layer.Name.Length > 0 ? layer.Name : layer.GetType().Name.ToLowerInvariant();
        switch (layer)
        {
            case Sequential s:
                foreach (var child in s.Layers) x = Write(g, child, x);
                return x;
            case Conv2d c:
            {
                var (top, bottom) = c.Padding.Resolve(x.Shape[2], c.KernelSize, c.Stride, vertical: true);
                var (left, right) = c.Padding.Resolve(x.Shape[3], c.KernelSize, c.Stride, vertical: false);
                return g.Conv(x, c.Weight.Value.Data, c.Bias is { } b ? b.Value.Data : null, c.OutChannels, c.KernelSize,
                    c.Stride, c.Groups, (top, left, bottom, right), hint);
            }
            case Dense d:
                return g.Gemm(x, d.Weight.Value.Data, d.Bias is { } db ? db.Value.Data : null, d.InFeatures, d.OutFeatures, hint);
            case ReLU:
                return g.Relu(x);
            case LeakyReLU l:
                return g.Unary("LeakyRelu", x, ("alpha", l.NegativeSlope));
            case ReLU6:
                return g.Node("Clip", [x.Name, g.Scalar("zero", 0f).Name, g.Scalar("six", 6f).Name], x.Shape);
            case Sigmoid:
                return g.Sigmoid(x);
            case Softmax:
                return g.Unary("Softmax", x, ("axis", 1));
            case Dropout:
                return x;
            case Flatten:
                return g.Flatten(x);
            case MaxPool2d m:
                return g.Pool("MaxPool", x, m.KernelSize, m.Stride, m.Padding);
            case AvgPool2d a:
                return g.Pool("AveragePool", x, a.KernelSize, a.Stride, a.Padding, a.CountIncludePad);
            case GlobalAvgPool:
                return g.SpatialMean(x);
            case BatchNorm2d bn:
                return BatchNorm(g, bn, x, hint);
            case ChannelAffine ca:
                return g.ChannelAffine(x, ca.Scale.Value.Data, ca.Shift.Value.Data, hint);
            case SeparableConv2d sc:
                return Write(g, sc.Pointwise, Write(g, sc.Depthwise, x));
            case Residual r:
                return g.Add(Write(g, r.Main, x), r.Shortcut is { } shortcut ? Write(g, shortcut, x) : x);
            case BasicBlock block:
            {
                var (conv1, bn1, conv2, bn2, down) = block.Parts;
                var main = Write(g, bn2, Write(g, conv2, g.Relu(Write(g, bn1, Write(g, conv1, x)))));
                return g.Relu(g.Add(main, down is null ? x : Write(g, down, x)));
            }
            case Gru gru:
                return GruWriter.Write(g, gru, x, hint);
            case RowsAsSequence:
            {
                // N×C×H×W → N×H×W×C → N×H×(W·C): step y is row y, feature x·C + c.
                int c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
                return g.Reshape(g.Transpose(x, 0, 2, 3, 1), h, w * c);
            }
            case FaceResidualBlock fb:
                return FaceBlock(g, fb, x);
            default:
                throw new NotSupportedException($"{hint}: the ONNX export has no mapping for a {layer.GetType().Name} layer");
        }
    }

    /// <summary>BatchNormalization in inference mode: <c>γ·(x − μ)/√(σ² + ε) + β</c> on the running statistics.</summary>
    private static OnnxValue BatchNorm(OnnxGraph g, BatchNorm2d bn, OnnxValue x, string hint)
    {
        int c = bn.Channels;
        string[] inputs =
        [
            x.Name, g.Constant(hint + ".weight", bn.Weight.Value.Data, c).Name, g.Constant(hint + ".bias", bn.Bias.Value.Data, c).Name,
            g.Constant(hint + ".running_mean", bn.RunningMean.Value.Data, c).Name,
            g.Constant(hint + ".running_var", bn.RunningVar.Value.Data, c).Name,
        ];
        return g.Node("BatchNormalization", inputs, x.Shape, null, ("epsilon", bn.Epsilon));
    }

    /// <summary>
    /// dlib's residual block: <c>relu(branch(x) + x)</c>, or for a downsampling block
    /// <c>relu(pad(branch(x)) + [avgpool2×2(x), 0])</c> with the branch zero-padded bottom/right to the pooled size and
    /// the pooled shortcut given zero channels up to the block's output channels.
    /// </summary>
    private static OnnxValue FaceBlock(OnnxGraph g, FaceResidualBlock block, OnnxValue x)
    {
        var (conv1, scale1, conv2, scale2) = block.Parts;
        var a = Write(g, conv1, x);
        if (scale1 is not null) a = Write(g, scale1, a);
        var branch = Write(g, conv2, g.Relu(a));
        if (scale2 is not null) branch = Write(g, scale2, branch);
        if (!block.Down) return g.Relu(g.Add(branch, x));
        var pooled = g.Pool("AveragePool", x, 2, 2, ConvPadding.Valid, countIncludePad: true);
        int ph = pooled.Shape[2], pw = pooled.Shape[3];
        var shortcut = g.PadEnd(pooled, 0, block.OutChannels - block.InChannels, 0, 0);
        branch = g.PadEnd(branch, 0, 0, ph - branch.Shape[2], pw - branch.Shape[3]);
        return g.Relu(g.Add(branch, shortcut));
    }
}
