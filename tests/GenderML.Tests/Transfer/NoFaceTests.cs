using System.Text.Json;
using GenderML.Cli;
using GenderML.Imaging;
using GenderML.Tests.Cli;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Transfer;

/// <summary>A photo without a face is reported as such (never a NaN prediction), in the library and in <c>genderml predict</c>.</summary>
[Collection("Console")]
public sealed class NoFaceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "genderml-noface-tests", Guid.NewGuid().ToString("N"));

    public NoFaceTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    /// <summary>A smooth gray gradient: no face for either detector.</summary>
    private static Image Blank()
    {
        var image = new Image(96, 72, PixelFormat.Rgb24);
        for (int y = 0; y < 72; y++)
        for (int x = 0; x < 96; x++)
            image.Pixels.AsSpan((y * 96 + x) * 3, 3).Fill((byte)(80 + x));
        return image;
    }

    private string BlankFile()
    {
        string path = Path.Combine(_root, "blank.png");
        Blank().SavePng(path);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args) =>
        CliRunner.Run([.. args, "--face-models", FaceApiFixture.ModelsFolder, "--threads", "2"]);

    [Fact]
    public void FramingModels_SayPerImageWhetherAFaceWasFound()
    {
        var face = FaceApiFixture.LoadGoldenImage("kg01_female_131423.png");
        var canonical = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2, canonicalMargin: 0);
        Assert.Equal(new bool?[] { true, false }, canonical.Predict([face, Blank()]).Select(p => p.FaceFound));
        Assert.Equal(new bool?[] { true, false }, canonical.PredictWithAge([face, Blank()]).Select(r => r.Prediction.FaceFound));
        var whole = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2);
        Assert.Null(whole.Predict(face).FaceFound);   // reads images as they are
    }

    [Fact]
    public void PhotoModel_Predict_OnAPhotoWithoutAFace_ThrowsNoFace_NeverNaN()
    {
        var model = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2, detectFaces: true);
        var face = FaceApiFixture.LoadGoldenImage("kg01_female_131423.png");
        var e = Assert.Throws<NoFaceException>(() => model.Predict([face, Blank()]));
        Assert.Equal(1, e.ImageIndex);
        Assert.Contains("no face found", e.Message, StringComparison.Ordinal);
        Assert.Throws<NoFaceException>(() => model.PredictWithAge(Blank()));
        Assert.True(FacePhotoClassifier.TakesPhotos(model));
        Assert.False(FacePhotoClassifier.TakesPhotos(PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2)));
    }

    [Fact]
    public void FacePhotoClassifier_PhotoModel_ClassifiesTheDetectedCrops_WithoutSearchingThemAgain()
    {
        var scene = Image.Load(Path.Combine(FaceApiFixture.GoldenFolder, "scene1.png"));
        var photoModel = FacePhotoClassifier.Load(PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2, detectFaces: true), FaceApiFixture.ModelsFolder, threads: 2);
        var cropModel = FacePhotoClassifier.Load(PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2), FaceApiFixture.ModelsFolder, threads: 2);
        var viaPhoto = photoModel.Classify(scene);
        var viaCrops = cropModel.Classify(scene);
        Assert.NotEmpty(viaPhoto);
        Assert.Equal(viaCrops.Select(f => f.Prediction.ProbabilityMale), viaPhoto.Select(f => f.Prediction.ProbabilityMale));
        Assert.All(viaPhoto, f => Assert.True(float.IsFinite(f.Prediction.ProbabilityMale)));
        Assert.Empty(photoModel.Classify(Blank()));
        Assert.Empty(cropModel.Classify(Blank()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Predict_DetectFaces_PhotoWithoutAFace_IsReported(bool json)
    {
        string blank = BlankFile();
        string[] args = json ? ["predict", "--model", "pretrained", "--detect-faces", "--json", blank] : ["predict", "--model", "pretrained", "--detect-faces", blank];
        var (code, stdout, stderr) = Run(args);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("NaN", stdout, StringComparison.Ordinal);
        if (json)
        {
            using var doc = JsonDocument.Parse(stdout.Trim());
            Assert.Equal(blank, doc.RootElement.GetProperty("path").GetString());
            Assert.Equal(0, doc.RootElement.GetProperty("faces").GetArrayLength());
        }
        else
        {
            Assert.Equal($"{blank}\tno face found", stdout.Trim());
        }
    }

    [Fact]
    public void Predict_ModelTrainedOnPhotos_TakesPhotos_AndReportsOneWithoutAFace()
    {
        // A transfer model trained on full photos (the golden scenes and demo faces, a class each).
        string data = Path.Combine(_root, "photos");
        foreach (var (label, files) in new[] { ("female", new[] { "scene1.png", "demo_face01.png" }), ("male", new[] { "scene2.png", "demo_face02.png" }) })
        {
            Directory.CreateDirectory(Path.Combine(data, label));
            foreach (string file in files) File.Copy(Path.Combine(FaceApiFixture.GoldenFolder, file), Path.Combine(data, label, file));
        }
        var trained = Trainer.Fit(
            new GenderML.Classifiers.TransferRecipe(GenderML.Classifiers.TransferBackbone.Xception) { ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0], Preprocessing = new Data.PreprocessOptions { Framing = FaceFraming.ForPhotos() } },
            Data.Dataset.Load(data, GenderLabels.Options), null,
            new GenderML.Training.TrainingOptions { ValidationFraction = 0, CacheFolder = Path.Combine(_root, "cache"), Threads = 2 });
        string model = Path.Combine(_root, "photos.zip");
        trained.Classifier.Save(model);
        string blank = BlankFile(), scene = Path.Combine(FaceApiFixture.GoldenFolder, "scene1.png");
        var (code, stdout, stderr) = Run("predict", "--model", model, "--json", blank, scene);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("NaN", stdout, StringComparison.Ordinal);
        var lines = stdout.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        using var none = JsonDocument.Parse(lines[0]);
        Assert.Equal(0, none.RootElement.GetProperty("faces").GetArrayLength());
        using var some = JsonDocument.Parse(lines[1]);
        Assert.NotEqual(0, some.RootElement.GetProperty("faces").GetArrayLength());
    }
}
