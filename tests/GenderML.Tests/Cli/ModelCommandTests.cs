using System.Text.Json;
using GenderML.Cli;
using GenderML.Tests.Classifiers;

namespace GenderML.Tests.Cli;

/// <summary>Runs <c>genderml train/evaluate/predict/compare/tune</c> in-process on tiny synthetic faces (console captured, one test at a time).</summary>
[Collection("Console")]
public sealed class ModelCommandTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 16);

    public void Dispose() => _faces.Dispose();

    private string[] Common => ["--image-size", "16", "--threads", "2", "--cache", _faces.Cache, "--quiet"];

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string TrainLogreg()
    {
        string model = Path.Combine(_faces.Root, "logreg.zip");
        var (code, _, err) = Run(["train", "--data", _faces.Root, "--model", "logreg", "--out", model, .. Common]);
        Assert.True(code == 0, err);
        return model;
    }

    private static string[] Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void TrainEvaluatePredict_JsonShapes()
    {
        string model = TrainLogreg();
        var (code, output, err) = Run(["evaluate", "--model", model, "--data", _faces.Root, "--json", "--threads", "2", "--cache", _faces.Cache]);
        Assert.True(code == 0, err);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["n", "accuracy", "precision", "recall", "f1", "auc", "logLoss", "ece", "eceUncalibrated", "confusion", "positiveClass", "coverage", "groups", "skipped"], Keys(report));
        Assert.Equal(16, report.GetProperty("n").GetInt32());

        string image = Directory.GetFiles(Path.Combine(_faces.Root, "test", "male"))[0];
        (code, output, err) = Run("predict", "--model", model, image, "--json");
        Assert.True(code == 0, err);
        var line = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.Equal(["path", "label", "pMale"], Keys(line));
        Assert.Equal(image, line.GetProperty("path").GetString());
    }

    [Fact]
    public void PixelModels_FrameFacesByDefault_ButTheLogisticBaseline_AndNotWhenToldNot()
    {
        static JsonElement Preprocessing(string model) => GenderML.Models.ModelArchive.Load(model).Manifest.Preprocessing;
        string framed = Path.Combine(_faces.Root, "framed.zip"), plain = Path.Combine(_faces.Root, "plain.zip");
        var (code, _, err) = Run(["train", "--data", _faces.Root, "--model", "cnn2", "--out", framed, "--epochs", "1", "--batch", "8", .. Common]);
        Assert.True(code == 0, err);
        var framing = Preprocessing(framed).GetProperty("framing");
        Assert.Equal(("faces", FaceFraming.DefaultMargin), (framing.GetProperty("kind").GetString(), framing.GetProperty("margin").GetDouble()));
        // The synthetic faces are not faces to the detector: they are used whole, and the run says so.
        Assert.Contains("of the images framed in this run; they were used whole", err, StringComparison.Ordinal);
        string image = Directory.GetFiles(_faces.Root, "*.png", SearchOption.AllDirectories)[0];
        (code, _, err) = Run("predict", "--model", framed, image);
        Assert.True(code == 0, err);
        Assert.Contains($"{image}: no face found; the whole image was classified", err, StringComparison.Ordinal);

        (code, _, err) = Run(["train", "--data", _faces.Root, "--model", "cnn2", "--out", plain, "--epochs", "1", "--batch", "8", "--no-frame-faces", .. Common]);
        Assert.True(code == 0, err);
        Assert.False(Preprocessing(plain).TryGetProperty("framing", out _));

        string logreg = Path.Combine(_faces.Root, "logreg.zip");
        (code, _, err) = Run(["train", "--data", _faces.Root, "--model", "logreg", "--out", logreg, .. Common]);
        Assert.True(code == 0, err);
        Assert.False(Preprocessing(logreg).TryGetProperty("framing", out _));
    }

    [Fact]
    public void TrainWritesCurves_AndEvaluateReportWritesRocAndCurvesBesideTheMarkdown()
    {
        string model = Path.Combine(_faces.Root, "dense.zip"), png = _faces.Root + "-curves.png", md = Path.Combine(_faces.Root, "report.md");
        var (code, _, err) = Run(["train", "--data", _faces.Root, "--model", "dense", "--out", model, "--epochs", "2", "--batch", "8", "--curves", png, .. Common]);
        Assert.True(code == 0, err);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        File.Delete(png); // an image output may not go inside the data folder, so it was written beside it
        string csv = Path.Combine(_faces.Root, "predictions.csv");
        (code, _, err) = Run("evaluate", "--model", model, "--data", _faces.Root, "--report", md, "--predictions", csv, "--threads", "2", "--cache", _faces.Cache);
        Assert.True(code == 0, err);
        foreach (string f in new[] { "report-roc.svg", "report-roc.png", "report-curves.svg", "report-curves.png" })
            Assert.True(File.Exists(Path.Combine(_faces.Root, f)), f);
        string markdown = File.ReadAllText(md);
        Assert.Contains("report-curves.svg", markdown);
        Assert.Contains("## Framing sensitivity", markdown);
        Assert.Contains("| face at ×0.7 |", markdown);
        Assert.Contains("| face at ×0.5 |", markdown);
        // The synthetic faces are no faces to the detector: the report says so, for the plain and the reframed images.
        Assert.Contains("## Notes", markdown);
        Assert.Contains("- face framing: no face found in", markdown);
        Assert.Contains("- faces at ×0.7: face framing: no face found in", markdown);
        (code, _, err) = Run("evaluate", "--model", model, "--data", _faces.Root, "--report", md, "--no-framing-check", "--threads", "2", "--cache", _faces.Cache);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("Framing sensitivity", File.ReadAllText(md));
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal("path,label,predicted,pMale", rows[0]);
        Assert.Equal(Data.Dataset.Load(_faces.Root, GenderLabels.Options).Subset(Data.SplitNames.Test).Items.Count, rows.Length - 1);
    }

    [Fact]
    public void Compare_PrintsOneRowPerModel_InJson()
    {
        var (code, output, err) = Run(["compare", "--data", _faces.Root, "--models", "logreg,dense", "--epochs", "2", "--batch", "8", "--json", .. Common]);
        Assert.True(code == 0, err);
        var models = JsonDocument.Parse(output).RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["logreg", "dense"], models.Select(m => m.GetProperty("model").GetString()));
        Assert.Equal(["model", "n", "accuracy", "reframe", "reframedAccuracy", "macroF1", "auc", "trainingSeconds", "inferenceMsPerImage", "predictMsPerImage", "modelKB"], Keys(models[0]));
        Assert.All(models, m => Assert.True(m.GetProperty("predictMsPerImage").GetDouble() > 0));
        Assert.All(models, m => Assert.Equal(0.7, m.GetProperty("reframe").GetDouble()));
        Assert.All(models, m => Assert.InRange(m.GetProperty("reframedAccuracy").GetDouble(), 0, 1));
        Assert.All(models, m => Assert.True(m.GetProperty("modelKB").GetDouble() > 0));
        Assert.All(models, m => Assert.Equal(16, m.GetProperty("n").GetInt32()));
        (code, output, err) = Run(["compare", "--data", _faces.Root, "--models", "logreg", .. Common]);
        Assert.True(code == 0, err);
        Assert.StartsWith("model", output);
        Assert.Contains("logreg", output);
    }

    [Fact]
    public void Tune_GridOverC_JsonAndRefit()
    {
        string model = Path.Combine(_faces.Root, "tuned.zip");
        var (code, output, err) = Run(["tune", "--data", _faces.Root, "--model", "logreg", "--grid", "c=0.01,1", "--folds", "3", "--json", "--out", model, .. Common]);
        Assert.True(code == 0, err);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.Equal(2, doc.GetProperty("results").GetArrayLength());
        Assert.Equal(3, doc.GetProperty("results")[0].GetProperty("folds").GetArrayLength());
        Assert.True(doc.GetProperty("best").GetProperty("mean").GetDouble() > 0.5);
        Assert.True(File.Exists(model));
    }

    [Theory]
    [InlineData("tune", "--model", "logreg", "--grid", "lr=0.1")]
    [InlineData("tune", "--model", "logreg", "--grid", "c=abc")]
    [InlineData("tune", "--model", "logreg", "--folds", "1")]
    [InlineData("compare", "--models", "logreg,nosuch")]
    [InlineData("train", "--model", "cnn2", "--out", "x.zip", "--curves", "x.gif")]
    [InlineData("compare")]
    [InlineData("train", "--model", "cnn2", "--out", "x.zip", "--zoom", "0.5")]
    [InlineData("train", "--model", "cnn2", "--out", "x.zip", "--zoom", "1.1,0.5")]
    [InlineData("train", "--model", "cnn2", "--out", "x.zip", "--zoom", "0,1")]
    [InlineData("train", "--model", "logreg", "--out", "x.zip", "--frame-margin", "0.1")]
    [InlineData("train", "--model", "cnn2", "--out", "x.zip", "--no-frame-faces", "--frame-margin", "0.1")]
    [InlineData("train", "--model", "cnn2", "--out", "x.zip", "--frame-faces", "--no-frame-faces")]
    [InlineData("train", "--model", "cnn2", "--out", "x.zip", "--frame-faces", "--frame-margin", "2")]
    public void UsageErrors_Exit2(params string[] args)
    {
        var (code, _, _) = Run([.. args, "--data", _faces.Root]);
        Assert.Equal(CliApp.UsageError, code);
    }

    [Fact]
    public void BadDataOrModel_Exit2()
    {
        string missing = Path.Combine(_faces.Root, "nope");
        Assert.Equal(CliApp.BadInput, Run("compare", "--data", missing, "--models", "logreg").Code);
        Assert.Equal(CliApp.BadInput, Run("tune", "--data", missing, "--model", "logreg").Code);
        Assert.Equal(CliApp.BadInput, Run("train", "--data", missing, "--model", "logreg", "--out", missing + ".zip").Code);
        Assert.Equal(CliApp.BadInput, Run("evaluate", "--model", missing + ".zip", "--data", _faces.Root).Code);
        string corrupt = Path.Combine(_faces.Root, "corrupt.zip");
        File.WriteAllText(corrupt, "not a zip");
        Assert.Equal(CliApp.BadInput, Run("evaluate", "--model", corrupt, "--data", _faces.Root).Code);
        Assert.Equal(CliApp.BadInput, Run("predict", "--model", corrupt, corrupt).Code);

        string model = TrainLogreg();
        Assert.Equal(CliApp.BadInput, Run("evaluate", "--model", model, "--data", missing).Code);
        var unwritable = Run("evaluate", "--model", model, "--data", _faces.Root, "--report", Path.Combine(missing, "report.md"), "--cache", _faces.Cache);
        Assert.Equal(CliApp.BadInput, unwritable.Code);
        Assert.DoesNotContain("   at ", unwritable.Err, StringComparison.Ordinal);
        string badImage = Path.Combine(_faces.Root, "bad.png");
        File.WriteAllText(badImage, "<html>");
        var (code, output, _) = Run("predict", "--model", model, badImage, Directory.GetFiles(Path.Combine(_faces.Root, "test", "male"))[0]);
        Assert.Equal(CliApp.BadInput, code);
        Assert.Single(output.Trim().Split('\n'));

        string testOnly = Path.Combine(_faces.Root, "testonly");
        Directory.CreateDirectory(Path.Combine(testOnly, "test", "male"));
        Directory.CreateDirectory(Path.Combine(testOnly, "test", "female"));
        File.Copy(Path.Combine(_faces.Root, "train", "male", "male000.png"), Path.Combine(testOnly, "test", "male", "a.png"));
        File.Copy(Path.Combine(_faces.Root, "train", "female", "female000.png"), Path.Combine(testOnly, "test", "female", "b.png"));
        Assert.Equal(CliApp.BadInput, Run("compare", "--data", testOnly, "--models", "logreg").Code);

        string oneClass = Path.Combine(_faces.Root, "one");
        Directory.CreateDirectory(Path.Combine(oneClass, "male"));
        File.Copy(Path.Combine(_faces.Root, "train", "male", "male000.png"), Path.Combine(oneClass, "male", "a.png"));
        Assert.Equal(CliApp.BadInput, Run(["train", "--data", oneClass, "--model", "logreg", "--out", Path.Combine(oneClass, "m.zip"), .. Common]).Code);
    }
}
