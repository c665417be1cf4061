using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's tiny face detector (tinyFaceDetector/*.ts, tinyYolov2/TinyYolov2Base.ts; faceapi-models.md §7), built
/// from Core layers: a 3×3 'valid' conv and five depthwise-separable convs (1 pixel of zero padding, then 'valid')
/// with leaky ReLU (slope 0.1) and 2×2 max-pools, then a 1×1 conv to 5 anchors × [tx, ty, tw, th, objectness] per
/// cell of an (S/32)×(S/32) grid. Frozen; one instance runs one batch at a time.
/// </summary>
internal sealed class TinyFaceDetectorNet
{
    public const double IouThreshold = 0.4;
    private const float LeakySlope = 0.1f;
    private static readonly (double W, double H)[] AnchorSizes =
        [(1.603231, 2.094468), (6.041143, 7.080126), (2.882459, 3.518061), (4.266906, 5.178857), (9.041765, 10.66308)];

    private static readonly int[] Channels = [16, 32, 64, 128, 256, 512];

    private readonly Sequential _layers;
    private readonly string?[] _taps;
    private readonly ImageChunks _chunks;

    public TinyFaceDetectorNet(WeightMap w, ComputeOptions? compute = null)
    {
        (_layers, _taps) = Build(w, compute);
        _chunks = new ImageChunks(_layers, c => Build(w, c).Layers);
    }

    private static (Sequential Layers, string?[] Taps) Build(WeightMap w, ComputeOptions? compute)
    {
        var steps = new List<(Layer Layer, string? Tap)>
        {
            (TfjsLayers.Conv(w, "conv0/filters", "conv0/bias", 3, 3, 16, 1, ConvPadding.Valid), null),
            (new LeakyReLU(LeakySlope), "conv0 (3x3 valid!, leaky 0.1)"),
            (new MaxPool2d(2, 2, ConvPadding.Same), null),
        };
        for (int i = 1; i <= 5; i++)
        {
            var separable = TfjsLayers.Separable(w, $"conv{i}", Channels[i - 1], Channels[i], ConvPadding.Symmetric(1));
            steps.Add((separable, null));
            steps.Add((new LeakyReLU(LeakySlope), $"conv{i}"));
            steps.Add((new MaxPool2d(2, i == 5 ? 1 : 2, ConvPadding.Same), null));
        }
        var conv8 = TfjsLayers.Conv(w, "conv8/filters", "conv8/bias", 1, 512, 25, 1, ConvPadding.Valid);
        steps.Add((conv8, "conv8 (raw output)"));
        return (TfjsLayers.Frozen(new Sequential([.. steps.Select(s => s.Layer)]), compute), [.. steps.Select(s => s.Tap)]);
    }

    /// <summary>The layers, N×3×S×S normalised input → N×25×(S/32)×(S/32).</summary>
    internal Sequential Layers => _layers;

    /// <summary>N×3×S×S normalised input → N×25×(S/32)×(S/32) raw output.</summary>
    public Tensor Forward(Tensor x, Action<string, Tensor>? tap = null)
        => tap is null ? _chunks.Forward(x) : TfjsLayers.ForwardTapped(_layers, _taps, x, tap);

    /// <summary>
    /// Boxes of one image (item <paramref name="item"/> of the output) whose objectness exceeds the threshold,
    /// then NMS at IoU 0.4, mapped to the image's pixels.
    /// </summary>
    public static List<DetectedFace> Detect(Tensor output, int item, int inputSize, int width, int height, double scoreThreshold)
    {
        int n = output.Dim(2), cells = n * n;
        var (rw, rh) = FaceInput.ReshapedSize(width, height, inputSize);
        double corrX = (double)Math.Max(rw, rh) / rw, corrY = (double)Math.Max(rw, rh) / rh;
        var found = new List<(double X, double Y, double W, double H, double Score)>();
        float[] o = output.Data;
        int origin = item * 25 * cells;
        for (int row = 0; row < n; row++)
        for (int col = 0; col < n; col++)
        for (int a = 0; a < 5; a++)
        {
            float At(int k) => o[origin + (a * 5 + k) * cells + row * n + col];
            double score = Sigmoid(At(4));
            if (score <= scoreThreshold) continue;
            double ctX = (col + Sigmoid(At(0))) / n * corrX, ctY = (row + Sigmoid(At(1))) / n * corrY;
            double w = Math.Exp(At(2)) * AnchorSizes[a].W / n * corrX, h = Math.Exp(At(3)) * AnchorSizes[a].H / n * corrY;
            found.Add((ctX - w / 2, ctY - h / 2, w, h, score));
        }

        var faces = new List<DetectedFace>();
        foreach (int i in NonMaxSuppression(found))
        {
            var f = found[i];
            faces.Add(new DetectedFace(f.X * width, f.Y * height, f.W * width, f.H * height, f.Score));
        }

        return faces;
    }

    /// <summary>ops/nonMaxSuppression.ts: repeatedly keep the best remaining box and drop those overlapping it by IoU &gt; 0.4.</summary>
    private static List<int> NonMaxSuppression(List<(double X, double Y, double W, double H, double Score)> boxes)
    {
        // JS sorts ascending (stable) and pops from the end: ties go to the later index first.
        var remaining = Enumerable.Range(0, boxes.Count).OrderByDescending(i => boxes[i].Score).ThenByDescending(i => i).ToList();
        var pick = new List<int>();
        while (remaining.Count > 0)
        {
            int current = remaining[0];
            pick.Add(current);
            remaining = remaining.Skip(1).Where(i => Iou(boxes[current], boxes[i]) <= IouThreshold).ToList();
        }

        return pick;
    }

    private static double Iou((double X, double Y, double W, double H, double S) p, (double X, double Y, double W, double H, double S) q)
    {
        double iw = Math.Max(0, Math.Min(p.X + p.W, q.X + q.W) - Math.Max(p.X, q.X));
        double ih = Math.Max(0, Math.Min(p.Y + p.H, q.Y + q.H) - Math.Max(p.Y, q.Y));
        double inter = iw * ih;
        return inter / (p.W * p.H + q.W * q.H - inter);
    }

    private static double Sigmoid(float v) => 1.0 / (1.0 + Math.Exp(-v));
}
