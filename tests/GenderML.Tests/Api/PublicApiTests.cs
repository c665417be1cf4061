using System.Text.RegularExpressions;

namespace GenderML.Tests.Api;

/// <summary>
/// The GenderML package's public surface: listed in docs/API.md (regenerated, never hand-edited), every type
/// documented, and each summary saying what the type is rather than how well it measured.
/// </summary>
public sealed partial class PublicApiTests
{
    private const string UpdateVariable = "GENDERML_UPDATE_API";

    private const string Regenerate = "Regenerate with `GENDERML_UPDATE_API=1 dotnet test tests/GenderML.Tests "
        + "-c Release --filter FullyQualifiedName~PublicApiTests`.";

    private static readonly PublicApi Api = PublicApi.Of(typeof(IGenderClassifier).Assembly);

    private static readonly PublicApi OnnxApi = PublicApi.Of(typeof(Onnx.OnnxExport).Assembly);

    [Fact]
    public void ApiMd_ListsThePublicTypes()
    {
        string path = Path.Combine(Repository.Root, "docs", "API.md");
        string expected = Api.Markdown("GenderML", Regenerate);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            File.WriteAllText(path, expected);
        string actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        Assert.True(actual == expected, $"docs/API.md is out of date with the GenderML assembly. {Regenerate}");
    }

    [Fact]
    public void ApiOnnxMd_ListsThePublicTypesOfGenderMLOnnx()
    {
        string path = Path.Combine(Repository.Root, "docs", "API.Onnx.md");
        string expected = OnnxApi.Markdown("GenderML.Onnx", Regenerate);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            File.WriteAllText(path, expected);
        string actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        Assert.True(actual == expected, $"docs/API.Onnx.md is out of date with the GenderML.Onnx assembly. {Regenerate}");
    }

    [Fact]
    public void EveryPublicType_HasASummary()
    {
        var undocumented = Api.Types.Concat(OnnxApi.Types).Where(t => t.Summary.Length == 0).Select(t => t.Type.FullName).ToList();
        Assert.True(undocumented.Count == 0, "public types without a <summary>: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void Summaries_HoldNoMeasuredFiguresOrHistory()
    {
        var summaries = Api.Types.Concat(OnnxApi.Types).Select(t => (Id: t.Type.FullName!, t.Summary))
            .Concat(Api.Members).Concat(OnnxApi.Members);
        var offending = summaries.Where(s => Figure().IsMatch(s.Summary))
            .Select(s => $"{s.Id}: \"{Figure().Match(s.Summary).Value}\"").ToList();
        Assert.True(offending.Count == 0,
            "summaries of the public surface with measured figures or dates (move them to docs/BENCHMARKS.md with the "
            + "command and date): " + string.Join("; ", offending));
    }

    [Theory]
    [InlineData("accuracy 84.2% on the test set", true)]
    [InlineData("+1.3 pp over the baseline", true)]
    [InlineData("it cost 2.7 points", true)]
    [InlineData("predicts in 12 ms per face", true)]
    [InlineData("the default before 2026-11-22", true)]
    [InlineData("Flips, ±8% shifts, zoom 0.5–1.1", false)]
    [InlineData("0.7 shows each face at 70% of its size", false)]
    [InlineData("resized to 112×112, NMS at IoU 0.5", false)]
    public void TheFigureRule_TellsMeasurementsFromSettings(string summary, bool figure) =>
        Assert.Equal(figure, Figure().IsMatch(summary));

    /// <summary>
    /// A measured figure or a piece of history: a percentage with decimals, points, a time in ms, or a date. Settings
    /// are whole percentages (±8%, 70%), so they pass.
    /// </summary>
    [GeneratedRegex(@"\d\.\d+\s*%|\d\s*(pp|points?|ms)\b|\b20\d\d-\d\d-\d\d\b")]
    private static partial Regex Figure();
}
