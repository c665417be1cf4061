using GenderML.FaceApi;

namespace GenderML.Onnx.Graph;

/// <summary>The face-api networks as parts of an <see cref="OnnxGraph"/>, on 0–255 RGB input.</summary>
internal static class FaceApiGraphs
{
    /// <summary>face-api's normalisation in the graph: <c>(x − mean_c) / 255</c> (or <c>x / 127.5 − 1</c>).</summary>
    public static OnnxValue Normalize(OnnxGraph g, OnnxValue x, InputNormalization n)
    {
        if (n.MinusOneToOne)
            return g.Binary("Sub", g.Binary("Div", x, g.Scalar("x127_5", 127.5f)), g.Scalar("one", 1f));
        var mean = g.Constant("face_api_mean", [n.MeanR, n.MeanG, n.MeanB], 3, 1, 1);
        return g.Binary("Div", g.Binary("Sub", x, mean), g.Scalar("x255", 255f));
    }

    /// <summary>
    /// The face ResNet on a normalised N×3×150×150 value: the final N×256×2×2 map and, by block name, the outputs
    /// of the blocks asked for in <paramref name="taps"/>.
    /// </summary>
    public static (OnnxValue Final, Dictionary<string, OnnxValue> Taps) ResNet(OnnxGraph g, FaceResNet resnet, OnnxValue x,
        params string[] taps)
    {
        var found = new Dictionary<string, OnnxValue>(StringComparer.Ordinal);
        int block = 0;
        foreach (var layer in resnet.Layers.Layers)
        {
            x = LayerWriter.Write(g, layer, x);
            if (layer is not FaceResidualBlock) continue;
            string name = FaceResNet.Blocks[block++].Name;
            if (taps.Contains(name)) found[name] = x;
        }
        return (x, found);
    }

    /// <summary>The recognition net's readout: the 128-d descriptor, or the 640 stage means (final, conv256_2,
    /// conv128_2).</summary>
    public static OnnxValue Recognition(OnnxGraph g, FaceRecognitionNet net, OnnxValue image, bool stageMeans)
    {
        var (resnet, fc) = net.Parts;
        var x = Normalize(g, image, InputNormalization.FaceMeans);
        var (final, taps) = ResNet(g, resnet, x, "conv256_2", "conv128_2");
        var mean = g.SpatialMean(final);
        if (stageMeans) return g.Concat(mean, g.SpatialMean(taps["conv256_2"]), g.SpatialMean(taps["conv128_2"]));
        return LayerWriter.Write(g, fc, mean);
    }

    /// <summary>The age/gender net: pooled 512 features, age (N×1) and softmax [P(male), P(female)] (N×2).</summary>
    public static (OnnxValue Features, OnnxValue Age, OnnxValue Gender) AgeGender(OnnxGraph g, AgeGenderNet net, OnnxValue image)
    {
        var (backbone, age, gender) = net.Parts;
        var x = Normalize(g, image, InputNormalization.FaceMeans);
        var features = g.SpatialMean(LayerWriter.Write(g, backbone.Layers, x));
        var probabilities = g.Unary("Softmax", LayerWriter.Write(g, gender, features), ("axis", 1));
        return (features, LayerWriter.Write(g, age, features), probabilities);
    }
}
