using System.Text.Json;
using GenderML.Cli;
using GenderML.Tests.Cli;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Transfer;

[Collection("Console")]
public sealed class LabelScreeningTests : IDisposable
{
    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>The ten golden faces with the first woman filed under male.</summary>
    private string Mislabelled()
    {
        string root = Path.Combine(_fixture.Root, "mislabelled");
        foreach (string f in _fixture.Files)
        {
            string label = Path.GetFileName(Path.GetDirectoryName(f))!;
            if (Path.GetFileName(f).StartsWith("kg01_", StringComparison.Ordinal)) label = "male";
            Directory.CreateDirectory(Path.Combine(root, label));
            File.Copy(f, Path.Combine(root, label, Path.GetFileName(f)));
        }
        return root;
    }

    // Ten faces: every label is listed (threshold 0.999), and the test looks at the order.
    private LabelScreeningOptions Options => new() { Folds = 2, Threshold = 0.999, C = 1, Threads = 2, CacheFolder = _fixture.Cache, ModelsFolder = FaceApiFixture.ModelsFolder };

    [Fact]
    public void Screen_FindsTheWomanFiledUnderMale_AndChangesNothing()
    {
        string root = Mislabelled();
        var data = Data.Dataset.Load(root, GenderLabels.Options);
        var report = LabelScreening.Screen(data, Options);
        Assert.Equal(10, report.Screened);
        // With four women and six men in folds of five, the intercept moves every probability; the woman filed under
        // male is still the least likely "male".
        var males = report.Suspects.Where(s => s.Label == 1).ToList();
        Assert.Equal(6, males.Count);
        Assert.EndsWith("kg01_female_131423.jpg", males[0].Path, StringComparison.Ordinal);
        Assert.Equal(report.Suspects.OrderBy(s => s.ProbabilityOfLabel).Select(s => s.Path), report.Suspects.Select(s => s.Path));
        Assert.True(File.Exists(Path.Combine(root, "male", "kg01_female_131423.jpg")));
        // Same seed, same folds, same answer.
        Assert.Equal(report.Suspects, LabelScreening.Screen(data, Options).Suspects);
        Assert.StartsWith("path,label,suggested,pLabel\n", LabelScreening.SuspectsCsv(report), StringComparison.Ordinal);
        Assert.Contains("kg01_female_131423.jpg,male,female,", LabelScreening.SuspectsCsv(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_NeedsAsManyImagesPerClassAsFolds()
    {
        var data = Data.Dataset.Load(Mislabelled(), GenderLabels.Options);
        var e = Assert.Throws<ArgumentException>(() => LabelScreening.Screen(data, Options with { Folds = 5 }));
        Assert.Contains("5 folds need at least 5 images of each class; found 4 female and 6 male", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataScreen_WritesTheListAndTheSheet_AndRejectsBadSettings()
    {
        string root = Mislabelled(), csv = Path.Combine(_fixture.Root, "s.csv"), png = Path.Combine(_fixture.Root, "s.png");
        var (code, stdout, stderr) = Run("data", "screen", root, "--folds", "2", "--threshold", "0.999", "--json", "--out", csv, "--sheet", png,
            "--cache", _fixture.Cache, "--face-models", FaceApiFixture.ModelsFolder, "--threads", "2");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(10, doc.RootElement.GetProperty("screened").GetInt32());
        var males = doc.RootElement.GetProperty("suspects").EnumerateArray().Where(s => s.GetProperty("label").GetString() == "male").ToList();
        Assert.EndsWith("kg01_female_131423.jpg", males[0].GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(csv) && File.Exists(png));
        Assert.Equal(CliApp.UsageError, Run("data", "screen", root, "--folds", "1").Code);
        // Four women cannot fill five folds: bad data, said in one line.
        var tooFew = Run("data", "screen", root, "--folds", "5", "--cache", _fixture.Cache, "--face-models", FaceApiFixture.ModelsFolder);
        Assert.Equal(CliApp.BadInput, tooFew.Code);
        Assert.Contains("5 folds need at least 5 images of each class", tooFew.Err, StringComparison.Ordinal);
        Assert.Equal(CliApp.UsageError, Run("data", "screen", root, "--threshold", "1.5").Code);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);
}
