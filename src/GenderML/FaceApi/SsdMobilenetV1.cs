using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's SSD MobileNetV1 face detector network (ssdMobilenetv1/*.ts; faceapi-models.md §6):
/// a depth-1.0 MobileNetV1 with ReLU6, eight extra layers and six box-prediction heads, giving box
/// encodings <c>[ty,tx,th,tw]</c> and class logits for 5118 anchors per 512×512 input. Built from Core layers,
/// frozen; one instance runs one batch at a time.
/// </summary>
internal sealed class SsdMobilenetV1
{
    public const int InputSize = 512;
    public const int AnchorCount = 5118;
    private const float BatchNormEpsilon = 0.0010000000474974513f;
    private static readonly int[] Channels = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024];
    private static readonly int[] PredictionChannels = [256, 512, 128, 256, 128, 256, 64, 128];

    private readonly Sequential _backbone, _prediction;
    private readonly (Conv2d Box, Conv2d Class, int Anchors)[] _heads;

    public SsdMobilenetV1(WeightMap w, ComputeOptions? compute = null)
    {
        const string m = "MobilenetV1/Conv2d_";
        _backbone = new Sequential(
            TfjsLayers.Conv(w, m + "0_pointwise/weights", m + "0_pointwise/convolution_bn_offset", 3, 3, 32, 2,
                ConvPadding.Same),
            new ReLU6());
        for (int i = 1; i <= 13; i++)
        {
            int cin = Channels[i - 1], cout = Channels[i], stride = i is 2 or 4 or 6 or 12 ? 2 : 1;
            string d = $"{m}{i}_depthwise/", p = $"{m}{i}_pointwise/";
            var depthwise = new Conv2d(cin, cin, 3, new Random(0), stride, ConvPadding.Same, groups: cin);
            w.DepthwiseFilter(d + "depthwise_weights", 3, 3, cin).CopyTo(depthwise.Weight.Value.Data, 0);
            depthwise.Bias!.Value.Clear();
            FoldBatchNorm(depthwise, w, d + "BatchNorm/", cin);
            _backbone.Add(depthwise).Add(new ReLU6())
                .Add(TfjsLayers.Conv(w, p + "weights", p + "convolution_bn_offset", 1, cin, cout, 1, ConvPadding.Same))
                .Add(new ReLU6());
        }

        _prediction = new Sequential();
        for (int i = 0, cin = 1024; i < 8; cin = PredictionChannels[i], i++)
        {
            int k = i % 2 == 1 ? 3 : 1, cout = PredictionChannels[i];
            string p = $"Prediction/Conv2d_{i}_pointwise/";
            _prediction.Add(TfjsLayers.Conv(w, p + "weights", p + "convolution_bn_offset", k, cin, cout, k == 3 ? 2 : 1,
                ConvPadding.Same)).Add(new ReLU6());
        }

        int[] headChannels = [512, 1024, 512, 256, 256, 128];
        _heads = new (Conv2d, Conv2d, int)[6];
        for (int i = 0; i < 6; i++)
        {
            int c = headChannels[i], a = i == 0 ? 3 : 6;
            string p = $"Prediction/BoxPredictor_{i}/";
            _heads[i] = (Head(w, p + "BoxEncodingPredictor/", c, 4 * a, compute),
                Head(w, p + "ClassPredictor/", c, 3 * a, compute), a);
        }

        TfjsLayers.Frozen(_backbone, compute);
        TfjsLayers.Frozen(_prediction, compute);
        Anchors = w.Get("Output/extra_dim", 1, AnchorCount, 4).Floats!;
    }

    /// <summary>The 5118 anchors, <c>[ymin, xmin, ymax, xmax]</c> each, in units of the 512 square.</summary>
    public float[] Anchors { get; }

    /// <summary>
    /// N×3×512×512 normalised input → per image 5118×4 box encodings and 5118×3 class logits, in anchor order
    /// <c>(y·W + x)·A + a</c> across the six heads.
    /// </summary>
    public (float[] Encodings, float[] Logits) Forward(Tensor x, Action<string, Tensor>? tap = null)
    {
        var layers = _backbone.Layers;
        Tensor o = layers[1].Forward(layers[0].Forward(x));
        tap?.Invoke("mobilenetv1/conv_0 (3x3/2 same, +offset, relu6)", o);
        Tensor? conv11 = null;
        for (int i = 1; i <= 13; i++)
        {
            o = layers[4 * i - 1].Forward(layers[4 * i - 2].Forward(o));
            if (i == 1) tap?.Invoke("mobilenetv1/conv_1/depthwise (bn+relu6)", o);
            o = layers[4 * i + 1].Forward(layers[4 * i].Forward(o));
            tap?.Invoke($"mobilenetv1/conv_{i}", o);
            if (i == 11) conv11 = o;
        }

        var features = new Tensor[] { conv11!, o, null!, null!, null!, null! };
        Tensor t = o;
        for (int i = 0; i < 8; i++)
        {
            t = _prediction.Layers[2 * i + 1].Forward(_prediction.Layers[2 * i].Forward(t));
            if (i % 2 == 1)
            {
                tap?.Invoke($"prediction_layer/conv_{i}", t);
                features[2 + i / 2] = t;
            }
        }

        int n = x.Dim(0);
        var encodings = new float[n * AnchorCount * 4];
        var logits = new float[n * AnchorCount * 3];
        int anchorBase = 0;
        for (int h = 0; h < 6; h++)
        {
            var (boxHead, classHead, a) = _heads[h];
            Tensor f = features[h];
            Gather(boxHead.Forward(f), a, 4, anchorBase, encodings);
            Gather(classHead.Forward(f), a, 3, anchorBase, logits);
            anchorBase += f.Dim(2) * f.Dim(3) * a;
        }

        return (encodings, logits);
    }

    /// <summary>NCHW head output with A·k channels → rows <c>anchorBase + (y·W + x)·A + a</c> of k values, per image.</summary>
    private static void Gather(Tensor head, int anchors, int k, int anchorBase, float[] dst)
    {
        int n = head.Dim(0), c = head.Dim(1), hw = head.Dim(2) * head.Dim(3);
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        {
            int a = ch / k, j = ch % k;
            for (int p = 0; p < hw; p++)
                dst[((b * AnchorCount) + anchorBase + p * anchors + a) * k + j] = head.Data[(b * c + ch) * hw + p];
        }
    }

    private static Conv2d Head(WeightMap w, string p, int cin, int cout, ComputeOptions? compute)
        => TfjsLayers.Frozen(TfjsLayers.Conv(w, p + "weights", p + "biases", 1, cin, cout, 1, ConvPadding.Same),
            compute);

    /// <summary>Inference batch norm <c>β + (x − μ)·γ/√(σ² + ε)</c> folded into the bias-free depthwise conv.</summary>
    private static void FoldBatchNorm(Conv2d conv, WeightMap w, string p, int c)
    {
        float[] gamma = w.Vector(p + "gamma", c), beta = w.Vector(p + "beta", c);
        float[] mean = w.Vector(p + "moving_mean", c), variance = w.Vector(p + "moving_variance", c);
        var scale = new float[c];
        var shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            double s = gamma[i] / Math.Sqrt(variance[i] + (double)BatchNormEpsilon);
            scale[i] = (float)s;
            shift[i] = (float)(beta[i] - mean[i] * s);
        }

        TfjsLayers.FoldScale(conv, scale, shift);
    }
}
