using System.Text.Json;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Cli;

/// <summary>
/// <c>evaluate</c> on a UTKFace-named folder made in the test from the ten real kaggle faces of the face-api goldens
/// (copied to temporary AGE_LABEL_RACE_DATE names), and the card and abstain surfaces of the CLI.
/// </summary>
[Collection("Console")]
public sealed class GroupReportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "genderml-utk-" + Guid.NewGuid().ToString("N"));

    public GroupReportTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "utk"));
        int k = 0;
        foreach (string file in Directory.GetFiles(FaceApiFixture.GoldenFolder, "kg*.jpg").Order(StringComparer.Ordinal))
        {
            // UTKFace codes gender 0 = male, 1 = female; ages across the bands, ethnic codes 0–4.
            string gender = Path.GetFileName(file).Contains("_male_", StringComparison.Ordinal) ? "0" : "1";
            int age = new[] { 12, 18, 25, 45, 70 }[k % 5];
            File.Copy(file, Path.Combine(_root, "utk", $"{age}_{gender}_{k % 5}_2017011617452{k}.jpg.chip.jpg"));
            k++;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private string Cache => Path.Combine(_root, "cache");

    [Fact]
    public void Evaluate_on_a_UTKFace_folder_reports_named_age_bands_and_ethnic_groups_without_flags()
    {
        var (code, output, err) = CliRunner.Run("evaluate", "--model", "pretrained", "--data", Path.Combine(_root, "utk"), "--threads", "2",
            "--cache", Cache);
        Assert.True(code == 0, err);
        Assert.Contains("by age band:", output, StringComparison.Ordinal);
        Assert.Contains("by ethnicity:", output, StringComparison.Ordinal);
        foreach (string group in new[] { "under 16", "16–19", "20–39", "40–59", "60+", "White", "Black", "Asian", "Indian", "Others" })
            Assert.Contains("  " + group, output, StringComparison.Ordinal);
        Assert.Contains("female recall", output, StringComparison.Ordinal);
        Assert.Contains("accuracy at coverage: 100%", output, StringComparison.Ordinal);

        (code, output, err) = CliRunner.Run("evaluate", "--model", "pretrained", "--data", Path.Combine(_root, "utk"), "--threads", "2",
            "--cache", Cache, "--json", "--abstain", "0.2-0.8");
        Assert.True(code == 0, err);
        var json = JsonDocument.Parse(output).RootElement;
        var facets = json.GetProperty("groups").EnumerateArray().Select(f => f.GetProperty("facet").GetString()!).ToArray();
        Assert.Equal(["age band", "ethnicity"], facets);
        var bands = json.GetProperty("groups")[0].GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()!).ToArray();
        Assert.Equal(["16–19", "20–39", "40–59", "60+", "under 16"], bands);
        Assert.Equal(0.2, json.GetProperty("abstain").GetProperty("low").GetDouble());
    }

    [Fact]
    public void Evaluate_card_out_adds_the_test_metrics_and_groups_to_a_copy_of_the_card()
    {
        string card = Path.Combine(_root, "card.json");
        var (code, _, err) = CliRunner.Run("evaluate", "--model", "pretrained", "--data", Path.Combine(_root, "utk"), "--threads", "2",
            "--cache", Cache, "--card-out", card);
        Assert.True(code == 0, err);
        var evaluation = Assert.Single(ModelCard.FromJson(File.ReadAllText(card)).Evaluations);
        Assert.Equal("utk (all)", evaluation.Source);
        Assert.Equal(10, evaluation.Metrics["n"]);
        Assert.True(evaluation.Metrics.ContainsKey("eceUncalibrated"));
        Assert.Equal(["age band", "ethnicity"], evaluation.Groups.Select(g => g.Facet));
        Assert.DoesNotContain(_root, File.ReadAllText(card), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_card_of_pretrained_renders_as_markdown_and_json()
    {
        var (code, output, err) = CliRunner.Run("model", "card", "pretrained");
        Assert.True(code == 0, err);
        Assert.StartsWith("# Model card: pretrained", output, StringComparison.Ordinal);
        Assert.Contains("## Not intended for", output, StringComparison.Ordinal);
        Assert.Contains("perceived, binary presentation", output, StringComparison.Ordinal);
        (code, output, err) = CliRunner.Run("model", "card", "pretrained", "--json");
        Assert.True(code == 0, err);
        Assert.Equal("pretrained", ModelCard.FromJson(output).Kind);
        (code, _, err) = CliRunner.Run("model", "card", Path.Combine(_root, "missing.zip"));
        Assert.Equal(2, code);
        Assert.Contains("no such model file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_with_a_band_says_which_predictions_abstain()
    {
        string image = Directory.GetFiles(Path.Combine(_root, "utk"))[0];
        var (code, output, err) = CliRunner.Run("predict", "--model", "pretrained", image, "--json", "--abstain", "0-1");
        Assert.True(code == 0, err);
        Assert.True(JsonDocument.Parse(output.Trim()).RootElement.GetProperty("abstained").GetBoolean());
        (code, output, err) = CliRunner.Run("predict", "--model", "pretrained", image, "--abstain", "0.5-0.5");
        Assert.True(code == 0, err);
        Assert.DoesNotContain("abstain", output, StringComparison.Ordinal);
        (code, _, err) = CliRunner.Run("predict", "--model", "pretrained", image, "--abstain", "0.7-0.3");
        Assert.Equal(2, code);
        Assert.Contains("--abstain", err, StringComparison.Ordinal);
    }
}
