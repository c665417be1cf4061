using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Evaluation;
using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Models;
using GenderML.Tests.FaceApi;
using GenderML.Transfer;

namespace GenderML.Tests.Transfer;

/// <summary>Canonical framing (tiny detector at 224 px, box as the crop), test-time mirror averaging, and how models and caches record them.</summary>
public sealed class CanonicalFramingTests : IDisposable
{
    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static Image[] KaggleFaces() =>
        [.. FaceApiFixture.FaceImages.Where(f => f.StartsWith("kg", StringComparison.Ordinal)).Select(FaceApiFixture.LoadGoldenImage)];

    private static DetectedFace? LargestBox(int detectorSize, Image image)
    {
        // The crop centred on a zero canvas of twice its size, as CanonicalFraming does; the box shifted back.
        int w = image.Width, h = image.Height, c = image.Channels;
        var canvas = new Image(2 * w, 2 * h, image.Format);
        for (int y = 0; y < h; y++)
            image.Pixels.AsSpan(y * w * c, w * c).CopyTo(canvas.Pixels.AsSpan(((y + h / 2) * 2 * w + w / 2) * c, w * c));
        var detector = FaceDetector.Load(FaceApiFixture.Options, new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny, TinyInputSize = detectorSize, MinConfidence = 0.3 });
        var faces = detector.Detect(canvas);
        if (faces.Count == 0) return null;
        var f = CanonicalFraming.Largest(faces);
        return f with { X = f.X - w / 2, Y = f.Y - h / 2 };
    }

    private static double Iou(DetectedFace p, DetectedFace q)
    {
        double iw = Math.Max(0, Math.Min(p.X + p.Width, q.X + q.Width) - Math.Max(p.X, q.X));
        double ih = Math.Max(0, Math.Min(p.Y + p.Height, q.Y + q.Height) - Math.Max(p.Y, q.Y));
        return iw * ih / (p.Width * p.Height + q.Width * q.Height - iw * ih);
    }

    [Fact]
    public void DefaultDetector_FindsTheSameFaceBox_InAFaceShrunkTo70Percent()
    {
        // The box on the reframed image, mapped back to the original's pixels, should be the original's box.
        var ious = new List<double>();
        foreach (var image in KaggleFaces())
        {
            if (LargestBox(FaceFraming.DefaultDetectorSize, image) is not { } plain
                || LargestBox(FaceFraming.DefaultDetectorSize, Reframing.Reframe(image, 0.7)) is not { } reframed) continue;
            int sw = (int)(image.Width * 0.7), sh = (int)(image.Height * 0.7);
            double fx = (double)sw / image.Width, fy = (double)sh / image.Height, x0 = (image.Width - sw) / 2, y0 = (image.Height - sh) / 2;
            var mapped = new DetectedFace((reframed.X - x0) / fx, (reframed.Y - y0) / fy, reframed.Width / fx, reframed.Height / fy, reframed.Score);
            ious.Add(Iou(plain, mapped));
        }
        ious.Sort();
        Assert.True(ious.Count >= 8, $"faces found in both versions of only {ious.Count} of 10 images");
        Assert.True(ious[ious.Count / 2] > 0.7, $"median IoU {ious[ious.Count / 2]:F3} ({string.Join(", ", ious.Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))})");
    }

    [Fact]
    public void LooselyFramedFaces_TheCanvasMisses_AreFoundInTheImageAsItIs()
    {
        // Faces shrunk to half inside their frame: on the doubled canvas they fall below the 160 px detector's anchors.
        Image[] loose = [.. KaggleFaces().Select(i => Reframing.Reframe(i, 0.5))];
        int missedOnCanvas = loose.Count(i => LargestBox(FaceFraming.LegacyDetectorSize, i) is null);
        Assert.True(missedOnCanvas > 0, "the canvas search found every face; the second search is not exercised");
        var framing = new CanonicalFraming(FaceApiFixture.ModelsFolder, 0, 2, detectorSize: FaceFraming.LegacyDetectorSize);
        int noFace = 0;
        var crops = framing.Frame(loose, ref noFace);
        Assert.True(noFace < missedOnCanvas, $"{noFace} without a face after the second search, {missedOnCanvas} on the canvas alone");
        Assert.All(crops, c => Assert.NotNull(c));
    }

    [Fact]
    public void Mirror_AveragesTheImageAndItsMirror()
    {
        var images = KaggleFaces()[..4];
        var net = AgeGenderNet.Load(FaceApiFixture.Options);
        var plain = net.Predict(images);
        var flipped = net.Predict([.. images.Select(i => i.FlipHorizontal())]);
        var model = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2, mirror: true, calibrate: false);
        var actual = model.PredictWithAge(images);
        for (int i = 0; i < images.Length; i++)
        {
            Assert.Equal((plain[i].ProbabilityMale + flipped[i].ProbabilityMale) / 2, actual[i].Prediction.ProbabilityMale, 6);
            Assert.Equal((plain[i].Age + flipped[i].Age) / 2, actual[i].Age, 4);
        }
    }

    [Fact]
    public void ASmallFaceInALargePhoto_IsFoundByTheLastSearch()
    {
        var face = KaggleFaces()[0];
        var photo = new Image(1000, 800, face.Format, Enumerable.Repeat((byte)128, 1000 * 800 * face.Channels).ToArray());
        int c = face.Channels, left = 600, top = 300;
        for (int y = 0; y < face.Height; y++)
            face.Pixels.AsSpan(y * face.Width * c, face.Width * c).CopyTo(photo.Pixels.AsSpan(((top + y) * 1000 + left) * c));
        var at224 = FaceDetector.Load(FaceApiFixture.Options, new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny, TinyInputSize = 224, MinConfidence = 0.3 });
        Assert.Empty(at224.Detect(photo));   // brought down to 224 px, the face is about 20 px wide: below the smallest anchors

        var box = new CanonicalFraming(FaceApiFixture.ModelsFolder, 0, 2).Locate([photo])[0];

        Assert.NotNull(box);
        var (cx, cy) = (box.Value.X + box.Value.Width / 2, box.Value.Y + box.Value.Height / 2);
        Assert.InRange(cx, left, left + face.Width);
        Assert.InRange(cy, top, top + face.Height);
    }

    [Theory]
    [InlineData(449, 300, 640)]
    [InlineData(640, 640, 640)]
    [InlineData(500, 641, 832)]
    [InlineData(1024, 900, 1024)]
    [InlineData(5000, 3000, 1024)]
    public void TheLastSearch_RunsAtAFewSizes_UpTo1024(int width, int height, int side) =>
        Assert.Equal(side, CanonicalFraming.LargeSearchSide(new Image(width, height, PixelFormat.Gray8)));

    [Fact]
    public void CacheKey_NamesDetectorSizeRetryAndMirror()
    {
        string folder = FaceApiFixture.ModelsFolder;
        FaceFraming Canonical(double margin, int size = FaceFraming.DefaultDetectorSize) => FaceFraming.Canonical(margin, size, folder, 1);
        Assert.Equal("canon0.1-retry-large", new Embedder(folder, null, true, Canonical(0.1, FaceFraming.LegacyDetectorSize), 1).PreprocessingKey(null));
        Assert.Equal("canon0-tiny224-retry-large-reframe0.7", new Embedder(folder, null, true, Canonical(0), 1).PreprocessingKey(new InputDistortion(0.7, null)));
        Assert.Equal("canon0-tiny224-retry-large-mirror", new Embedder(folder, null, true, Canonical(0), 1, mirror: true).PreprocessingKey(null));
        Assert.Equal("photo0.1", new Embedder(folder, null, true, FaceFraming.ForPhotos(0.1, folder, 1), 1).PreprocessingKey(null));
        Assert.Equal("whole", new Embedder(folder, null, true, null, 1).PreprocessingKey(null));
    }

    [Fact]
    public void PresetDetectorSize_Is160ForTransferResNet_224Otherwise()
    {
        static FaceFraming Of(string name) => Assert.IsType<FaceFraming>(ClassifierPresets.Create(name).Preprocessing.Framing);
        Assert.Equal((160, 0.0, FramingEdge.Clip), (Of("transfer-resnet").DetectorSize, Of("transfer-resnet").Margin, Of("transfer-resnet").Edge));
        Assert.Equal(224, Of("transfer").DetectorSize);
        Assert.Equal(224, Of("transfer-xception").DetectorSize);
        Assert.Equal(224, Of("transfer-fusion").DetectorSize);
    }

    [Fact]
    public void RecipeDetectorSize_IsUsedForTraining_AndSavedWithTheModel()
    {
        var result = Trainer.Fit(new TransferRecipe(TransferBackbone.Xception) { ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0],
            Preprocessing = new Data.PreprocessOptions { Framing = FaceFraming.Canonical(0, 160) } },
            _fixture.Dataset, null, new Training.TrainingOptions { ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 });
        Assert.Equal(160, Assert.IsType<FaceNetClassifier>(result.Classifier).Framing!.DetectorSize);
        string path = Path.Combine(_fixture.Root, "model160.zip");
        result.Classifier.Save(path);
        var loaded = Assert.IsType<FaceNetClassifier>(GenderClassifier.Load(path, 2, FaceApiFixture.ModelsFolder));
        Assert.Equal(160, loaded.Framing!.DetectorSize);
    }

    [Fact]
    public void SavedModel_KeepsDetectorSizeAndMirror_ModelsWithoutThemLoadAsLegacy()
    {
        var result = Trainer.Fit(new TransferRecipe(TransferBackbone.Xception) { ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0],
            Preprocessing = new Data.PreprocessOptions { Framing = FaceFraming.Canonical() } },
            _fixture.Dataset, null, new Training.TrainingOptions { ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 });
        string path = Path.Combine(_fixture.Root, "model.zip");
        result.Classifier.Save(path);
        var loaded = Assert.IsType<FaceNetClassifier>(GenderClassifier.Load(path, 2, FaceApiFixture.ModelsFolder));
        Assert.Equal((FaceFraming.DefaultDetectorSize, false, 0.0, FramingEdge.Clip), (loaded.Framing!.DetectorSize, loaded.Mirror, loaded.Framing.Margin, loaded.Framing.Edge));

        var contents = ModelArchive.Load(path);
        var architecture = JsonNode.Parse(contents.Manifest.Architecture.GetRawText())!.AsObject();
        architecture.Remove("mirror");
        architecture["canonicalMargin"] = 0;   // as models saved before framings were recorded in the preprocessing
        using var stream = new MemoryStream(contents.Entries["weights.safetensors"]);
        var tensors = Core.Serialization.SafeTensors.Load(stream).Tensors;
        var info = new ClassifierInfo { Kind = "transfer-xception", Architecture = "", Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.Xception) };
        var legacy = Assert.IsType<FaceNetClassifier>(ModelStore.LoadFaceApi(path, JsonSerializer.SerializeToElement(architecture), info, tensors, 1, contents.Entries, FaceApiFixture.ModelsFolder));
        Assert.Equal((FaceFraming.LegacyDetectorSize, false, FramingEdge.Clip), (legacy.Framing!.DetectorSize, legacy.Mirror, legacy.Framing.Edge));
    }
}
