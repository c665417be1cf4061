using System.Text.Json;
using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Tests.FaceApi;

/// <summary>SSD MobileNetV1 and the tiny detector against face-api's detections and intermediates on the two golden scenes (one batch).</summary>
public sealed class FaceDetectorParityTests
{
    private static readonly string[] Scenes = ["scene1.png", "scene2.png"];

    private static readonly Lazy<Result> Ssd = new(() => Detect(new FaceDetectorOptions()));
    private static readonly Lazy<Result> Tiny = new(() => Detect(new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny }));

    public static TheoryData<string> SceneFiles => new(Scenes);

    [Theory]
    [MemberData(nameof(SceneFiles))]
    public void SsdDetectionsMatchTheReference(string scene)
    {
        int i = Array.IndexOf(Scenes, scene);
        AssertSameFaces(Ssd.Value.Faces[i], Golden(scene).GetProperty("ssd_mobilenetv1").GetProperty("detections"));
    }

    [Theory]
    [MemberData(nameof(SceneFiles))]
    public void SsdAtLowerConfidenceMatchesTheReference(string scene)
    {
        int i = Array.IndexOf(Scenes, scene);
        Image image = FaceApiFixture.LoadGoldenImage(scene);
        var (enc, logits) = Ssd.Value.Raw[i];
        float[] boxes = SsdPostProcessing.DecodeBoxes(enc, Ssd.Value.Anchors);
        float[] scores = SsdPostProcessing.Scores(logits);
        var selected = SsdPostProcessing.NonMaxSuppression(boxes, scores, 100, 0.5, 0.3);
        AssertSameFaces(SsdPostProcessing.ToImage(boxes, scores, selected, image.Width, image.Height),
            Golden(scene).GetProperty("ssd_mobilenetv1_minConfidence_0_3"));
    }

    [Theory]
    [MemberData(nameof(SceneFiles))]
    public void SsdIntermediatesAndTopAnchorsMatchTheReference(string scene)
    {
        int i = Array.IndexOf(Scenes, scene);
        JsonElement g = Golden(scene).GetProperty("ssd_mobilenetv1");
        JsonElement inter = g.GetProperty("intermediates");
        foreach (var (name, tensor) in Ssd.Value.Taps)
            GoldenStats.AssertMatches(name, tensor, i, inter.GetProperty(name));
        var (enc, logits) = Ssd.Value.Raw[i];
        AssertRows("box_encodings", enc, 4, inter.GetProperty("box_encodings"));
        AssertRows("class_logits", logits, 3, inter.GetProperty("class_logits"));
        float[] boxes = SsdPostProcessing.DecodeBoxes(enc, Ssd.Value.Anchors);
        float[] scores = SsdPostProcessing.Scores(logits);
        foreach (JsonElement top in g.GetProperty("top10_anchors").EnumerateArray())
        {
            int a = top.GetProperty("anchor_index").GetInt32();
            GoldenStats.CheckValues($"anchor {a}", top.GetProperty("anchor_ymin_xmin_ymax_xmax"), k => Ssd.Value.Anchors[4 * a + k], 0);
            GoldenStats.CheckValues($"decoded {a}", top.GetProperty("decoded_ymin_xmin_ymax_xmax"), k => boxes[4 * a + k], 1e-5);
            Assert.True(Math.Abs(scores[a] - top.GetProperty("score_sigmoid_logit1").GetDouble()) <= 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(SceneFiles))]
    public void TinyDetectionsAndIntermediatesMatchTheReference(string scene)
    {
        int i = Array.IndexOf(Scenes, scene);
        JsonElement g = Golden(scene).GetProperty("tiny_face_detector");
        foreach (var (name, tensor) in Tiny.Value.Taps)
            GoldenStats.AssertMatches(name, tensor, i, g.GetProperty("intermediates").GetProperty(name));
        AssertSameFaces(Tiny.Value.Faces[i], g.GetProperty("detections"));
    }

    [Theory]
    [MemberData(nameof(SceneFiles))]
    public void DetectThenAgeGenderMatchesTheReferencePipeline(string scene)
    {
        int i = Array.IndexOf(Scenes, scene);
        Image image = FaceApiFixture.LoadGoldenImage(scene);
        var crops = Ssd.Value.Faces[i].Select(f => FaceDetector.Crop(image, f)!).ToArray();
        var estimates = AgeGenderNet.Load(FaceApiFixture.Options).Predict(crops);
        JsonElement expected = Golden(scene).GetProperty("pipeline_detectAllFaces_ssd_withAgeAndGender");
        Assert.Equal(expected.GetArrayLength(), estimates.Count);
        int k = 0;
        foreach (JsonElement e in expected.EnumerateArray())
        {
            double p = e.GetProperty("genderProbability").GetDouble();
            double pMale = e.GetProperty("gender").GetString() == "male" ? p : 1 - p;
            Assert.True(Math.Abs(estimates[k].ProbabilityMale - pMale) <= 1e-4, $"face {k}: p(male) {estimates[k].ProbabilityMale} vs {pMale}");
            Assert.True(Math.Abs(estimates[k].Age - e.GetProperty("age").GetDouble()) <= 0.01, $"face {k}: age {estimates[k].Age}");
            k++;
        }
    }

    [Fact]
    public void CropClipsAndFloorsLikeFaceApi()
    {
        var image = new Image(10, 8, PixelFormat.Gray8, Enumerable.Range(0, 80).Select(v => (byte)v).ToArray());
        Image crop = FaceDetector.Crop(image, new DetectedFace(-1.5, 2.7, 4.9, 100, 0.9))!;
        Assert.Equal((3, 5), (crop.Width, crop.Height)); // x 0, y 2.7 → 2; w min(3.4, 10) → 3; h min(97.3.., 5.3) → 5
        Assert.Equal(new byte[] { 20, 21, 22 }, crop.Pixels[..3]);
        Assert.Null(FaceDetector.Crop(image, new DetectedFace(20, 0, 5, 5, 0.9)));
    }

    [Fact]
    public void TinyInputSizeMustBeAMultipleOf32()
        => Assert.Throws<ArgumentOutOfRangeException>(() => FaceDetector.Load(FaceApiFixture.Options, new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny, TinyInputSize = 400 }));

    private static JsonElement Golden(string scene) => FaceApiFixture.Golden.GetProperty("detectors").GetProperty(scene);

    private static void AssertSameFaces(IReadOnlyList<DetectedFace> actual, JsonElement expected)
    {
        Assert.Equal(expected.GetArrayLength(), actual.Count);
        int k = 0;
        foreach (JsonElement e in expected.EnumerateArray())
        {
            DetectedFace f = actual[k];
            Assert.True(Math.Abs(f.Score - e.GetProperty("score").GetDouble()) <= 1e-4, $"face {k}: score {f.Score} vs {e.GetProperty("score").GetDouble()}");
            double[] box = [f.X, f.Y, f.Width, f.Height];
            int j = 0;
            foreach (JsonElement b in e.GetProperty("box_px_xywh").EnumerateArray())
            {
                Assert.True(Math.Abs(box[j] - b.GetDouble()) <= 0.1, $"face {k} box[{j}]: {box[j]} vs {b.GetDouble()}");
                j++;
            }

            k++;
        }
    }

    private static void AssertRows(string name, float[] values, int width, JsonElement golden)
    {
        GoldenStats.CheckValues(name + " first8", golden.GetProperty("first8"), k => values[k], 1e-4);
        double sum = values.Sum(v => (double)v), sumAbs = values.Sum(v => Math.Abs((double)v));
        Assert.True(Math.Abs(sumAbs - golden.GetProperty("sumAbs").GetDouble()) <= 1e-4 * sumAbs, $"{name}: sumAbs {sumAbs}");
        Assert.True(Math.Abs(sum - golden.GetProperty("sum").GetDouble()) <= 1e-4 * sumAbs, $"{name}: sum {sum}");
        Assert.Equal(SsdMobilenetV1.AnchorCount * width, values.Length);
    }

    private static Result Detect(FaceDetectorOptions options)
    {
        Image[] images = Scenes.Select(FaceApiFixture.LoadGoldenImage).ToArray();
        var detector = FaceDetector.Load(FaceApiFixture.Options, options);
        var faces = new List<DetectedFace>[images.Length];
        var raw = new (float[], float[])[images.Length];
        var taps = new Dictionary<string, Tensor>();
        detector.Run(images, (i, f) => faces[i] = f, (name, t) => taps[name] = t.Clone(), (i, e, l) => raw[i] = (e, l));
        float[] anchors = options.Kind == FaceDetectorKind.Tiny ? [] : new SsdMobilenetV1(TfjsWeights.Load(FaceApiFixture.ModelsFolder, "ssd_mobilenetv1_model")).Anchors;
        return new Result(faces, raw, taps, anchors);
    }

    private sealed record Result(List<DetectedFace>[] Faces, (float[] Enc, float[] Logits)[] Raw, Dictionary<string, Tensor> Taps, float[] Anchors);
}
