using GenderML.Tests.Classifiers;
using Onnx;

namespace GenderML.Tests.Cli;

/// <summary><c>genderml export --onnx</c>: a model written as ONNX with its metadata; files and paths it refuses.</summary>
[Collection("Console")]
public sealed class ExportCommandTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 8);

    public void Dispose() => _faces.Dispose();

    private string Train(string kind)
    {
        string model = Path.Combine(_faces.Root, kind + ".zip");
        var (code, _, err) = CliRunner.Run(["train", "--data", _faces.Root, "--model", kind, "--out", model, "--image-size", "16",
            "--threads", "2", "--cache", _faces.Cache, "--quiet", .. kind == "gbdt" ? ["--trees", "2"] : Array.Empty<string>()]);
        Assert.True(code == 0, err);
        return model;
    }

    [Fact]
    public void Export_WritesTheModel_WithItsPreprocessingInTheMetadata()
    {
        string model = Train("logreg"), output = Path.Combine(_faces.Root, "logreg.onnx");
        var (code, stdout, err) = CliRunner.Run("export", "--onnx", model, output);
        Assert.True(code == 0, err);
        Assert.Contains("logreg model as ONNX", stdout, StringComparison.Ordinal);
        var onnx = ModelProto.Parser.ParseFrom(File.ReadAllBytes(output));
        var meta = onnx.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("logreg", meta["genderml.kind"]);
        Assert.Equal("image", meta["inputs"]);
        Assert.Equal("[batch, 1, 16, 16]", meta["input.image.shape"]);
        Assert.Equal(["image"], onnx.Graph.Input.Select(i => i.Name));
        Assert.Equal(["logit", "probability"], onnx.Graph.Output.Select(o => o.Name));
        Assert.Equal("batch", onnx.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Fact]
    public void Export_OfTrees_WritesATreeEnsemble()
    {
        string model = Train("gbdt"), output = Path.Combine(_faces.Root, "gbdt.onnx");
        var (code, _, err) = CliRunner.Run("export", "--onnx", model, output);
        Assert.True(code == 0, err);
        var onnx = ModelProto.Parser.ParseFrom(File.ReadAllBytes(output));
        Assert.Contains(onnx.Graph.Node, n => n.OpType == "TreeEnsembleRegressor" && n.Domain == "ai.onnx.ml");
        Assert.Contains(onnx.OpsetImport, o => o.Domain == "ai.onnx.ml");
    }

    [Fact]
    public void Export_OfAFileThatIsNotAModel_IsABadInputNamingTheFile()
    {
        string notModel = Path.Combine(_faces.Root, "notes.zip");
        File.WriteAllText(notModel, "not a zip");
        var (code, _, err) = CliRunner.Run("export", "--onnx", notModel, Path.Combine(_faces.Root, "notes.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("notes.zip", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_faces.Root, "notes.onnx")));
    }

    [Theory]
    [InlineData("model.zip", "out.txt", "--onnx writes a .onnx file")]
    [InlineData("missing.zip", "out.onnx", "no such model file")]
    public void Export_BadPaths_AreOneLineErrors(string model, string output, string expected)
    {
        var (code, _, err) = CliRunner.Run("export", "--onnx", Path.Combine(_faces.Root, model), Path.Combine(_faces.Root, output));
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }
}
