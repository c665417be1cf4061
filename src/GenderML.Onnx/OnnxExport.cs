using GenderML.Classifiers;
using GenderML.FaceApi;
using GenderML.Onnx.Graph;
using GenderML.Transfer;
using Google.Protobuf;

namespace GenderML.Onnx;

/// <summary>
/// Writes a trained GenderML model, or one of the face-api networks, as an ONNX model (opset 13, ONNX-ML opset 3 for
/// tree ensembles, float32, a symbolic batch axis named <c>batch</c>). A model's graph takes 0–255 pixel values N×C×S×S, scales them itself and gives
/// <c>logit</c> and <c>probability</c> (P(male), N×1); its <c>metadata_props</c> say what each input expects.
/// Face framing (when the model frames) and resizing stay with the caller.
/// </summary>
/// <remarks>ONNX: https://onnx.ai/onnx/ (the graph is written through OnnxSharp's ModelProto classes).</remarks>
public static class OnnxExport
{
    /// <summary>Writes <paramref name="classifier"/> as ONNX to <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">The model's kind cannot be exported (the message names it).</exception>
    public static void Save(IGenderClassifier classifier, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ToBytes(classifier);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The ONNX model of <paramref name="classifier"/>, serialised.</summary>
    /// <exception cref="NotSupportedException">The model's kind cannot be exported (the message names it).</exception>
    public static byte[] ToBytes(IGenderClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        string kind = classifier.Info.Kind;
        var g = new OnnxGraph("genderml_" + kind.Replace('-', '_'));
        var meta = new OnnxMetadata();
        meta.Set("genderml.kind", kind);
        meta.Set("genderml.architecture", classifier.Info.Architecture);
        meta.Set("classes", "0 female, 1 male (perceived presentation)");
        OnnxValue logit;
        OnnxValue? probability = null, age = null;
        switch (classifier is PretrainedGenderClassifier pretrained ? pretrained.Inner : classifier)
        {
            case NeuralNetworkClassifier n:
                logit = ClassifierGraphs.PixelNetwork(g, n, meta);
                break;
            case LogisticClassifier l:
                logit = ClassifierGraphs.Logistic(g, l, meta);
                break;
            case FaceNetClassifier f:
                (logit, probability, age) = ClassifierGraphs.Transfer(g, f, meta);
                break;
            case FineTunedClassifier t:
                logit = ClassifierGraphs.FineTuned(g, t, meta);
                break;
            case GradientBoostingClassifier b:
                logit = ClassifierGraphs.Trees(g, b, meta);
                break;
            default:
                throw new NotSupportedException($"{kind}: a {classifier.GetType().Name} cannot be exported to ONNX; the models GenderML trains and loads (ClassifierPresets.Names, pretrained) can");
        }
        // The model's calibration (ClassifierInfo.Calibration), as Predict applies it: σ(scale·logit + offset) or the sided
        // power map, the logit of a probability output clipped to [ε, 1 − ε] first.
        var calibration = classifier.Info.Calibration;
        if (!calibration.IsIdentity)
        {
            if (probability is { } raw) logit = ClassifierGraphs.Logit(g, raw, (float)ProbabilityCalibration.Epsilon);
            if (calibration.IsSided)
            {
                // Sided power scaling: a₊·z^γ₊ for z ≥ 0, −a₋·|z|^γ₋ below.
                var magnitude = g.Unary("Abs", logit);
                var upper = g.Binary("Mul", g.Binary("Pow", magnitude, g.Scalar("calibration_power", (float)(calibration.Power ?? 1))),
                    g.Scalar("calibration_scale", (float)calibration.Scale));
                var lower = g.Binary("Mul", g.Binary("Pow", magnitude, g.Scalar("calibration_lower_power", (float)(calibration.LowerPower ?? calibration.Power ?? 1))),
                    g.Scalar("calibration_lower_scale", -(float)(calibration.LowerScale ?? calibration.Scale)));
                var below = g.Binary("Less", logit, g.Scalar("calibration_zero", 0));
                logit = g.Add(g.Node("Where", [below.Name, lower.Name, upper.Name], logit.Shape), g.Scalar("calibration_offset", (float)calibration.Offset));
            }
            else
                logit = g.Add(g.Binary("Mul", logit, g.Scalar("calibration_scale", (float)calibration.Scale)),
                    g.Scalar("calibration_offset", (float)calibration.Offset));
            probability = null;
            meta.Set("calibration", calibration.Describe());
        }
        g.Output("logit", logit);
        meta.Output("logit", "N×1 log-odds of male (calibrated when the model is)");
        g.Output("probability", probability ?? g.Sigmoid(logit));
        meta.Output("probability", "N×1 P(male): the probability that the face is perceived as male");
        if (age is { } a)
        {
            g.Output("age", a);
            meta.Output("age", "N×1 face-api's age estimate in years");
        }
        return g.ToModel(meta.Entries, $"GenderML {kind} model: {classifier.Info.Architecture}").ToByteArray();
    }

    /// <summary>
    /// A face-api network on its own, serialised (input <c>image</c>, 0–255 RGB after face-api's padding and
    /// resizing; the graph normalises). Weights: the packaged ones, or <paramref name="faceModelsFolder"/>'s.
    /// </summary>
    /// <param name="network">Which network.</param>
    /// <param name="faceModelsFolder">A folder of face-api weights, or null for the packaged ones.</param>
    /// <param name="detectorSize">The tiny detector's input side, a multiple of 32.</param>
    public static byte[] FaceApiNetwork(FaceApiNetwork network, string? faceModelsFolder = null, int detectorSize = 416)
    {
        var options = FaceModelsFolder.Options(faceModelsFolder, 1);
        var g = new OnnxGraph("faceapi_" + network.ToString().ToLowerInvariant());
        var meta = new OnnxMetadata();
        meta.Set("faceapi.network", network.ToString());
        const string FaceMeans = "(x − [122.782, 117.001, 104.298]) / 255 per channel";
        switch (network)
        {
            case Onnx.FaceApiNetwork.FaceRecognition:
            {
                var image = g.Input("image", 3, FaceRecognitionNet.InputSize, FaceRecognitionNet.InputSize);
                meta.RawInput("image", FaceRecognitionNet.InputSize, FaceMeans);
                g.Output("descriptor", FaceApiGraphs.Recognition(g, FaceRecognitionNet.Load(options), image, stageMeans: false));
                meta.Output("descriptor", "N×128 face descriptor (not normalised; same person when the distance < 0.6)");
                break;
            }
            case Onnx.FaceApiNetwork.AgeGender:
            {
                var image = g.Input("image", 3, AgeGenderNet.InputSize, AgeGenderNet.InputSize);
                meta.RawInput("image", AgeGenderNet.InputSize, FaceMeans);
                var (features, age, gender) = FaceApiGraphs.AgeGender(g, AgeGenderNet.Load(options), image);
                g.Output("age", age);
                meta.Output("age", "N×1 age in years");
                g.Output("gender", gender);
                meta.Output("gender", "N×2 softmax [P(male), P(female)]");
                g.Output("features", features);
                meta.Output("features", "N×512 pooled TinyXception features");
                break;
            }
            case Onnx.FaceApiNetwork.TinyFaceDetector:
            {
                if (detectorSize is < 32 or > 1024 || detectorSize % 32 != 0)
                    throw new ArgumentOutOfRangeException(nameof(detectorSize), detectorSize, "a multiple of 32 from 32 to 1024");
                var net = new TinyFaceDetectorNet(TfjsWeights.Load(faceModelsFolder, "tiny_face_detector_model"));
                var image = g.Input("image", 3, detectorSize, detectorSize);
                meta.RawInput("image", detectorSize, "(x − [117.001, 114.697, 97.404]) / 255 per channel");
                var x = FaceApiGraphs.Normalize(g, image, InputNormalization.TinyYoloMeans);
                g.Output("grid", LayerWriter.Write(g, net.Layers, x));
                meta.Output("grid", "N×25×(S/32)×(S/32): per cell 5 anchors × [tx, ty, tw, th, objectness], before sigmoid, box decoding and NMS");
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(network), network, null);
        }
        return g.ToModel(meta.Entries, $"face-api 1.7.15 {network} network").ToByteArray();
    }
}
