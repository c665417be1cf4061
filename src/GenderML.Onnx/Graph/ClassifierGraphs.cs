using GenderML.Classifiers;
using GenderML.Data;
using GenderML.FaceApi;
using GenderML.Transfer;

namespace GenderML.Onnx.Graph;

/// <summary>
/// The graph of each trained model kind: its inputs (0–255 pixel values, N×C×S×S), the scaling, the network and
/// head, and the outputs <c>logit</c> and <c>probability</c> (P(male), N×1).
/// </summary>
internal static class ClassifierGraphs
{
    public const string Image = "image", Mirrored = "image_mirrored";

    /// <summary>A pixel network (dense, cnn2, cnn3, vgg, resnet, rnn): <c>x/(255·0.25) − 2</c>, then the network.</summary>
    public static OnnxValue PixelNetwork(OnnxGraph g, NeuralNetworkClassifier c, OnnxMetadata meta)
    {
        var spec = c.Spec;
        var image = g.Input(Image, spec.Channels, spec.Size, spec.Size);
        meta.PixelInput(Image, c.Info.Preprocessing, "x / (255 · 0.25) − 2 per value (done by the graph)");
        var x = g.Binary("Mul", image, g.Scalar("scale", 1f / (255f * NetworkSpec.Std)));
        x = g.Binary("Add", x, g.Scalar("offset", -NetworkSpec.Mean / NetworkSpec.Std));
        return LayerWriter.Write(g, c.Network, x);
    }

    /// <summary>Logistic regression on pixels: <c>w · (x/255) + b</c>, the pixels read row by row, channels
    /// interleaved (HWC), as the model was fitted.</summary>
    public static OnnxValue Logistic(OnnxGraph g, LogisticClassifier c, OnnxMetadata meta)
    {
        var p = c.Info.Preprocessing;
        var image = g.Input(Image, p.Channels, p.Size, p.Size);
        meta.PixelInput(Image, p, "x / 255 per value (done by the graph)");
        var x = g.Binary("Mul", image, g.Scalar("scale", 1f / 255f));
        if (p.Channels > 1) x = g.Transpose(x, 0, 2, 3, 1);
        return g.Gemm(x, c.Model.Weights.ToArray(), [(float)c.Model.Intercept], c.Model.Features, 1, "logreg");
    }

    /// <summary>Gradient-boosted trees on the pixel bytes (row by row, channels interleaved), as the model was fitted.
    /// </summary>
    public static OnnxValue Trees(OnnxGraph g, GradientBoostingClassifier c, OnnxMetadata meta)
    {
        var p = c.Info.Preprocessing;
        var image = g.Input(Image, p.Channels, p.Size, p.Size);
        meta.PixelInput(Image, p, "none: the trees compare the 0–255 values");
        var x = p.Channels > 1 ? g.Transpose(image, 0, 2, 3, 1) : image;
        return TreeWriter.Write(g, c.Trees, x);
    }

    /// <summary>
    /// A frozen face-api backbone and its fitted head (transfer*), or the shipped age/gender net (pretrained, no
    /// backbone): the embeddings of the image (averaged with those of the mirror image when the model does), fused,
    /// standardised, then the logistic, MLP or tree head. The pretrained model's logit is <c>ln(p / (1 − p))</c>.
    /// </summary>
    public static (OnnxValue Logit, OnnxValue? Probability, OnnxValue? Age) Transfer(OnnxGraph g, FaceNetClassifier c,
        OnnxMetadata meta)
    {
        var options = FaceModelsFolder.Options(c.ModelsFolder, 1);
        bool resnet = FaceNetClassifier.UsesResNet(c.Backbone), ageGender = FaceNetClassifier.UsesAgeGender(c.Backbone);
        var recognition = resnet ? FaceRecognitionNet.Load(options) : null;
        var ageGenderNet = ageGender ? AgeGenderNet.Load(options) : null;
        bool stageMeans = c.ResNetFeatures == FaceResNetFeatures.StageMeans;

        // One input per network size; the second copy for the mirror image.
        string name112 = resnet ? Image + "_112" : Image;
        OnnxValue? In(bool wanted, string name, int size, bool mirrored)
        {
            if (!wanted) return null;
            var v = g.Input(name, 3, size, size);
            meta.FaceInput(name, size, c.Framing, mirrored);
            return v;
        }
        var plain150 = In(resnet, Image, FaceRecognitionNet.InputSize, false);
        var plain112 = In(ageGender, name112, AgeGenderNet.InputSize, false);
        var mirror150 = In(resnet && c.Mirror, Mirrored, FaceRecognitionNet.InputSize, true);
        var mirror112 = In(ageGender && c.Mirror, resnet ? name112 + "_mirrored" : Mirrored, AgeGenderNet.InputSize, true);

        OnnxValue? r = null, features = null, pMale = null, age = null;
        if (recognition is not null)
        {
            r = FaceApiGraphs.Recognition(g, recognition, plain150!.Value, stageMeans);
            if (mirror150 is { } m) r = g.Average(r.Value, FaceApiGraphs.Recognition(g, recognition, m, stageMeans));
        }
        if (ageGenderNet is not null)
        {
            var (f, a, gender) = FaceApiGraphs.AgeGender(g, ageGenderNet, plain112!.Value);
            var p = g.Columns(gender, 0, 1);
            if (mirror112 is { } m)
            {
                var (fm, am, gm) = FaceApiGraphs.AgeGender(g, ageGenderNet, m);
                (f, a, p) = (g.Average(f, fm), g.Average(a, am), g.Average(p, g.Columns(gm, 0, 1)));
            }
            (features, pMale, age) = (f, p, a);
        }

        if (c.Backbone is not { } backbone)
            return (Logit(g, pMale!.Value, 0f), pMale, age);
        var x = backbone switch
        {
            TransferBackbone.FaceResNet => r!.Value,
            TransferBackbone.Xception => features!.Value,
            _ => g.Concat(r!.Value, features!.Value, Logit(g, pMale!.Value, 1e-6f)),
        };
        x = g.Binary("Div", g.Binary("Sub", x, g.Constant("mean", c.Mean!, c.Mean!.Length)), g.Constant("std", c.Std!, c.Std!.Length));
        meta.Set("head", c.Trees is not null ? "gbdt" : c.Mlp is not null ? "mlp" : "logistic");
        if (c.Trees is { } trees) return (TreeWriter.Write(g, trees, x), null, null);
        if (c.Mlp is { } mlp) return (LayerWriter.Write(g, mlp.Network, x), null, null);
        var head = c.Head!;
        return (g.Gemm(x, head.Weights.ToArray(), [(float)head.Intercept], head.Features, 1, "head"), null, null);
    }

    /// <summary>
    /// transfer --fine-tune: the frozen face ResNet through conv128_2, its output rounded to float16 (as GenderML
    /// caches it), the fine-tuned blocks, the spatial mean and the dense head; with flip-test, the logits of the image
    /// and of its mirror image averaged.
    /// </summary>
    public static OnnxValue FineTuned(OnnxGraph g, FineTunedClassifier c, OnnxMetadata meta)
    {
        var prefix = FaceResNet.Frozen(TfjsWeights.Load(c.ModelsFolder, "face_recognition_model"), null, FineTuneNetwork.PrefixEnd);
        OnnxValue Logit(OnnxValue image)
        {
            var x = FaceApiGraphs.ResNet(g, prefix, FaceApiGraphs.Normalize(g, image, InputNormalization.FaceMeans)).Final;
            x = g.Node("Cast", [g.Node("Cast", [x.Name], x.Shape, null, ("to", 10)).Name], x.Shape, null, ("to", 1));
            return LayerWriter.Write(g, c.Network.Network, x);
        }
        var image = g.Input(Image, 3, FaceRecognitionNet.InputSize, FaceRecognitionNet.InputSize);
        meta.FaceInput(Image, FaceRecognitionNet.InputSize, c.Framing, false);
        var logit = Logit(image);
        if (!c.Network.FlipTest) return logit;
        var mirrored = g.Input(Mirrored, 3, FaceRecognitionNet.InputSize, FaceRecognitionNet.InputSize);
        meta.FaceInput(Mirrored, FaceRecognitionNet.InputSize, c.Framing, true);
        return g.Average(logit, Logit(mirrored));
    }

    /// <summary><c>ln(p / (1 − p))</c> of a probability, clipped to [ε, 1 − ε] first when ε &gt; 0.</summary>
    internal static OnnxValue Logit(OnnxGraph g, OnnxValue p, float epsilon)
    {
        if (epsilon > 0)
            p = g.Node("Clip", [p.Name, g.Scalar("eps", epsilon).Name, g.Scalar("one_minus_eps", 1 - epsilon).Name], p.Shape);
        var odds = g.Binary("Div", p, g.Binary("Sub", g.Scalar("one", 1f), p) with { Shape = p.Shape });
        return g.Unary("Log", odds);
    }
}
