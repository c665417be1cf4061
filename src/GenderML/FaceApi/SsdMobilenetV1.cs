using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's SSD MobileNetV1 face detector network (ssdMobilenetv1/*.ts; faceapi-models.md §6):
/// a depth-1.0 MobileNetV1 with ReLU6, eight extra layers and six box-prediction heads, giving box
/// encodings <c>[ty,tx,th,tw]</c> and class logits for 5118 anchors per 512×512 input.
/// </summary>
internal sealed class SsdMobilenetV1
{
    public const int InputSize = 512;
    public const int AnchorCount = 5118;
    private const float BatchNormEpsilon = 0.0010000000474974513f;
    private static readonly int[] Channels = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024];
    private static readonly int[] PredictionChannels = [256, 512, 128, 256, 128, 256, 64, 128];

    private readonly ConvLayer _conv0;
    private readonly (ConvLayer Depthwise, ConvLayer Pointwise)[] _blocks;
    private readonly ConvLayer[] _prediction;
    private readonly (ConvLayer Box, ConvLayer Class, int Anchors)[] _heads;

    public SsdMobilenetV1(WeightMap w)
    {
        const string m = "MobilenetV1/Conv2d_";
        _conv0 = new ConvLayer(w.ConvFilterOihw(m + "0_pointwise/weights", 3, 3, 3, 32), w.Vector(m + "0_pointwise/convolution_bn_offset", 32),
            3, 32, 3, 2, Padding.Same, Activation.Relu6);
        _blocks = new (ConvLayer, ConvLayer)[13];
        for (int i = 1; i <= 13; i++)
        {
            int cin = Channels[i - 1], cout = Channels[i], stride = i is 2 or 4 or 6 or 12 ? 2 : 1;
            string d = $"{m}{i}_depthwise/", p = $"{m}{i}_pointwise/";
            var depthwise = new ConvLayer(w.DepthwiseFilter(d + "depthwise_weights", 3, 3, cin), null, cin, cin, 3, stride,
                Padding.Same, Activation.Relu6, groups: cin);
            _blocks[i - 1] = (FoldBatchNorm(depthwise, w, d + "BatchNorm/", cin),
                new ConvLayer(w.ConvFilterOihw(p + "weights", 1, 1, cin, cout), w.Vector(p + "convolution_bn_offset", cout),
                    cin, cout, 1, 1, Padding.Same, Activation.Relu6));
        }

        _prediction = new ConvLayer[8];
        for (int i = 0, cin = 1024; i < 8; cin = PredictionChannels[i], i++)
        {
            int k = i % 2 == 1 ? 3 : 1, cout = PredictionChannels[i];
            string p = $"Prediction/Conv2d_{i}_pointwise/";
            _prediction[i] = new ConvLayer(w.ConvFilterOihw(p + "weights", k, k, cin, cout), w.Vector(p + "convolution_bn_offset", cout),
                cin, cout, k, k == 3 ? 2 : 1, Padding.Same, Activation.Relu6);
        }

        int[] headChannels = [512, 1024, 512, 256, 256, 128];
        _heads = new (ConvLayer, ConvLayer, int)[6];
        for (int i = 0; i < 6; i++)
        {
            int c = headChannels[i], a = i == 0 ? 3 : 6;
            string p = $"Prediction/BoxPredictor_{i}/";
            _heads[i] = (Head(w, p + "BoxEncodingPredictor/", c, 4 * a), Head(w, p + "ClassPredictor/", c, 3 * a), a);
        }

        float[] anchors = w.Get("Output/extra_dim", 1, AnchorCount, 4).Floats!;
        Anchors = anchors;
    }

    /// <summary>The 5118 anchors, <c>[ymin, xmin, ymax, xmax]</c> each, in units of the 512 square.</summary>
    public float[] Anchors { get; }

    /// <summary>
    /// N×3×512×512 normalised input → per image 5118×4 box encodings and 5118×3 class logits, in anchor order
    /// <c>(y·W + x)·A + a</c> across the six heads.
    /// </summary>
    public (float[] Encodings, float[] Logits) Forward(Tensor x, ComputeOptions? options, Action<string, Tensor>? tap = null)
    {
        Tensor o = _conv0.Forward(x, options);
        tap?.Invoke("mobilenetv1/conv_0 (3x3/2 same, +offset, relu6)", o);
        Tensor? conv11 = null;
        for (int i = 1; i <= 13; i++)
        {
            o = _blocks[i - 1].Depthwise.Forward(o, options);
            if (i == 1) tap?.Invoke("mobilenetv1/conv_1/depthwise (bn+relu6)", o);
            o = _blocks[i - 1].Pointwise.Forward(o, options);
            tap?.Invoke($"mobilenetv1/conv_{i}", o);
            if (i == 11) conv11 = o;
        }

        var features = new Tensor[] { conv11!, o, null!, null!, null!, null! };
        Tensor t = o;
        for (int i = 0; i < 8; i++)
        {
            t = _prediction[i].Forward(t, options);
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
            Gather(boxHead.Forward(f, options), a, 4, anchorBase, encodings);
            Gather(classHead.Forward(f, options), a, 3, anchorBase, logits);
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

    private static ConvLayer Head(WeightMap w, string p, int cin, int cout)
        => new(w.ConvFilterOihw(p + "weights", 1, 1, cin, cout), w.Vector(p + "biases", cout), cin, cout, 1, 1, Padding.Same, Activation.None);

    /// <summary>Inference batch norm <c>β + (x − μ)·γ/√(σ² + ε)</c> folded into the depthwise conv.</summary>
    private static ConvLayer FoldBatchNorm(ConvLayer conv, WeightMap w, string p, int c)
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

        return conv.FoldAffine(scale, shift);
    }
}
