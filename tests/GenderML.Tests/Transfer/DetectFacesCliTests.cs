using System.Text.Json;
using GenderML.Cli;
using GenderML.Imaging;
using GenderML.Tests.Cli;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Transfer;

/// <summary><c>genderml predict --model pretrained --detect-faces</c> on the golden scene (in-process, console captured).</summary>
[Collection("Console")]
public sealed class DetectFacesCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "genderml-detect-tests", Guid.NewGuid().ToString("N"));

    public DetectFacesCliTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run([.. args, "--face-models", FaceApiFixture.ModelsFolder]);

    [Fact]
    public void DetectFacesJson_HasTheDocumentedShape_AndAnnotateWritesAJpeg()
    {
        string scene = Path.Combine(FaceApiFixture.GoldenFolder, "scene1.png");
        string annotated = Path.Combine(_root, "out.jpg");
        var (code, stdout, stderr) = Run("predict", "--model", "pretrained", "--detect-faces", "--json", "--threads", "2", "--annotate", annotated, scene);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var top = doc.RootElement;
        Assert.Equal(["path", "faces"], top.EnumerateObject().Select(p => p.Name));
        Assert.Equal(scene, top.GetProperty("path").GetString());
        var faces = top.GetProperty("faces").EnumerateArray().ToList();
        var golden = FaceApiFixture.Golden.GetProperty("detectors").GetProperty("scene1.png").GetProperty("pipeline_detectAllFaces_ssd_withAgeAndGender")
            .EnumerateArray().ToList();
        Assert.Equal(golden.Count, faces.Count);
        for (int i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            var g = golden[i];
            double gMale = g.GetProperty("gender").GetString() == "male" ? g.GetProperty("genderProbability").GetDouble() : 1 - g.GetProperty("genderProbability").GetDouble();
            // The CLI's pretrained model calibrates face-api's output with its built-in temperature.
            gMale = PretrainedGenderClassifier.BuiltInCalibration.Apply((float)gMale);
            Assert.True(Math.Abs(f.GetProperty("pMale").GetDouble() - gMale) < 1e-4, $"face {i}: pMale {f.GetProperty("pMale")} vs face-api {gMale}");
            var box = f.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var gBox = g.GetProperty("box_px_xywh").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (int k = 0; k < 4; k++) Assert.True(Math.Abs(box[k] - gBox[k]) < 0.1, $"face {i} box[{k}] {box[k]} vs {gBox[k]}");
            Assert.Equal(["box", "score", "label", "pMale"], f.EnumerateObject().Select(p => p.Name));
            Assert.Equal(4, f.GetProperty("box").GetArrayLength());
            Assert.InRange(f.GetProperty("score").GetDouble(), 0.5, 1);
            double p = f.GetProperty("pMale").GetDouble();
            Assert.Equal(p > 0.5 ? "male" : "female", f.GetProperty("label").GetString());
        }
        byte[] jpeg = File.ReadAllBytes(annotated);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, jpeg[..3]);
        var photo = Image.Load(scene);
        var image = Image.Load(annotated);
        Assert.Equal((photo.Width, photo.Height), (image.Width, image.Height));
    }
}
