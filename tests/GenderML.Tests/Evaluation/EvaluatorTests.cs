using System.Text.Json;
using System.Xml.Linq;
using GenderML.Evaluation;

namespace GenderML.Tests.Evaluation;

/// <summary>Metrics on cases small enough to compute by hand, edge cases and the writers.</summary>
public sealed class EvaluatorTests
{
    [Fact]
    public void Hand_computed_four_samples()
    {
        // scores sorted: 0.8 (m), 0.4 (f), 0.35 (m), 0.1 (f): pairs (m > f) = 3 of 4 → AUC 0.75.
        var r = Evaluator.Evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
        Assert.Equal(0.75, r.RocAuc, 15);
        Assert.Equal((1.0 + 2.0 / 3.0) / 2, r.PrAuc, 15); // recall 0.5 at P=1, recall 1 at P=2/3
        Assert.Equal(new ConfusionMatrix(1, 2, 0, 1), r.Confusion);
        Assert.Equal(0.75, r.Accuracy);
        Assert.Equal(1.0, r.Classification.Male.Precision);
        Assert.Equal(0.5, r.Classification.Male.Recall);
        Assert.Equal((0.01 + 0.16 + 0.4225 + 0.04) / 4, r.Brier, 15);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.6) + Math.Log(0.35) + Math.Log(0.8)) / 4, r.LogLoss, 14);
    }

    [Fact]
    public void Tied_scores_count_half_in_the_auc()
    {
        Assert.Equal(0.5, Evaluator.Evaluate([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3]).RocAuc, 15);
        // one male tied with one female above the other female: (1 + 0.5) / 2
        Assert.Equal(0.75, Evaluator.Evaluate([0, 1, 0], [0.6, 0.6, 0.2]).RocAuc, 15);
        Assert.Equal(1.0, Evaluator.Evaluate([0, 1], [0.2, 0.9]).RocAuc, 15);
        Assert.Equal(0.0, Evaluator.Evaluate([1, 0], [0.2, 0.9]).RocAuc, 15);
    }

    [Fact]
    public void Score_exactly_at_threshold_predicts_female()
    {
        var r = Evaluator.Evaluate([1, 0], [0.5, 0.5]);
        Assert.Equal(new ConfusionMatrix(0, 1, 0, 1), r.Confusion);
    }

    [Fact]
    public void One_class_only_gives_NaN_aucs_and_null_in_json()
    {
        var r = Evaluator.Evaluate([0, 0, 0], [0.1, 0.7, 0.2]);
        Assert.True(double.IsNaN(r.RocAuc));
        Assert.True(double.IsNaN(r.PrAuc));
        Assert.Equal(0.0, r.Classification.Male.Precision); // never right when predicting male: 0, as sklearn
        Assert.Equal(0.0, r.Classification.Male.Recall);     // no male sample: 0, as sklearn's zero_division=0
        Assert.Equal(2.0 / 3.0, r.Accuracy, 15);
        using var doc = JsonDocument.Parse(EvaluationJson.ToJson(r));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("auc").ValueKind);
        Assert.Contains("n/a", EvaluationMarkdown.Render(r), StringComparison.Ordinal);
    }

    [Fact]
    public void Log_loss_clips_certain_mistakes_at_1e15()
    {
        var r = Evaluator.Evaluate([1, 0], [0.0, 1.0]);
        // male at p = 0 → −ln(1e-15); female at p = 1 → −ln(1 − (1 − 1e-15)) (1 − 1e-15 rounded to double)
        Assert.Equal((-Math.Log(1e-15) - Math.Log(1 - (1 - 1e-15))) / 2, r.LogLoss, 12);
    }

    [Fact]
    public void Calibration_error_of_constant_score()
    {
        // all in bin (0.7, 0.8]; half male: |0.5 − 0.8| = 0.3
        var r = Evaluator.Evaluate([0, 1, 0, 1], [0.8, 0.8, 0.8, 0.8]);
        Assert.Equal(0.3, r.ExpectedCalibrationError, 15);
        Assert.Equal(4, r.Calibration[7].Count);
        Assert.Equal(10, r.Calibration.Count);
        Assert.Equal(0.0, Evaluator.Evaluate([0, 1], [0.0, 1.0]).ExpectedCalibrationError);
    }

    [Theory]
    [InlineData(new int[0], new double[0], "no samples")]
    [InlineData(new[] { 0, 1 }, new[] { 0.5 }, "2 labels but 1 scores")]
    [InlineData(new[] { 0, 2 }, new[] { 0.5, 0.5 }, "label 1 is 2")]
    [InlineData(new[] { 0, 1 }, new[] { 0.5, double.NaN }, "score 1 is NaN")]
    [InlineData(new[] { 0, 1 }, new[] { 0.5, 1.5 }, "score 1 is 1.5")]
    public void Bad_input_is_rejected_with_a_message(int[] labels, double[] scores, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(labels, scores));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_exactly_the_documented_fields_in_order()
    {
        var r = Evaluator.Evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8],
            new EvaluationOptions { Skipped = [new SkippedSample("bad \"1\".jpg", "not a JPEG or PNG")] });
        string json = EvaluationJson.ToJson(r);
        Assert.StartsWith("{\"n\": 4, \"accuracy\": 0.75, \"precision\": {\"female\": 0.6666666666666666, \"male\": 1}, \"recall\": {\"female\": 1, \"male\": 0.5}, ", json);
        Assert.Contains("\"eceUncalibrated\": null, \"confusion\": {\"tp\": 1, \"tn\": 2, \"fp\": 0, \"fn\": 1}, \"positiveClass\": \"male\", \"coverage\": [{\"coverage\": 1, \"answered\": 4, ", json, StringComparison.Ordinal);
        Assert.EndsWith("\"groups\": [], \"skipped\": [{\"path\": \"bad \\u00221\\u0022.jpg\", \"reason\": \"not a JPEG or PNG\"}]}", json);
        Assert.Equal("{\"a\": \"x,: \\\"y\\\",\", \"b\": [1, 2]}", EvaluationJson.Spaced("{\"a\":\"x,: \\\"y\\\",\",\"b\":[1,2]}"));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["n", "accuracy", "precision", "recall", "f1", "auc", "logLoss", "ece", "eceUncalibrated", "confusion", "positiveClass", "coverage", "groups", "skipped"],
            doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(0.75, doc.RootElement.GetProperty("auc").GetDouble());
    }

    [Fact]
    public void Predictions_list_the_confident_errors_first_and_write_as_csv()
    {
        var r = Evaluator.Evaluate([0, 1, 0, 1], [0.2, 0.9, 0.7, 0.01]) with
        {
            Predictions = [new("f/a.jpg", 0, 0.2), new("m/b.jpg", 1, 0.9), new("f/c,1.jpg", 0, 0.7), new("m/d.jpg", 1, 0.01)],
        };
        string md = EvaluationMarkdown.Render(r);
        Assert.Contains("2 images were misclassified", md, StringComparison.Ordinal);
        int d = md.IndexOf("| 1 | m/d.jpg | male | 0.0100 |", StringComparison.Ordinal), c = md.IndexOf("| 2 | f/c,1.jpg | female | 0.7000 |", StringComparison.Ordinal);
        Assert.True(d > 0 && c > d, md);
        Assert.DoesNotContain("a.jpg", md, StringComparison.Ordinal);
        Assert.Equal("path,label,predicted,pMale\nf/a.jpg,female,female,0.2\nm/b.jpg,male,male,0.9\n\"f/c,1.jpg\",female,male,0.7\nm/d.jpg,male,female,0.01\n",
            EvaluationMarkdown.PredictionsCsv(r));
    }

    [Fact]
    public void Framing_checks_show_the_accuracy_beside_the_plain_one_with_the_change()
    {
        var plain = Evaluator.Evaluate([0, 1, 0, 1], [0.2, 0.9, 0.3, 0.8]);    // 100%
        var loose = Evaluator.Evaluate([0, 1, 0, 1], [0.2, 0.9, 0.7, 0.8]);    // 75%
        string md = EvaluationMarkdown.Render(plain, [new FramingCheck(0.7, loose)]);
        Assert.Contains("## Framing sensitivity", md, StringComparison.Ordinal);
        Assert.Contains("| as given | 4 | 100.00% |", md, StringComparison.Ordinal);
        Assert.Contains("| face at ×0.7 | 4 | 75.00% |", md, StringComparison.Ordinal);
        Assert.Contains("| −25.00 points |", md, StringComparison.Ordinal);
        Assert.DoesNotContain("Framing sensitivity", EvaluationMarkdown.Render(plain), StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_report_accuracy_recall_and_the_gap_per_facet()
    {
        var r = Evaluator.Evaluate([0, 1, 0, 1, 1], [0.2, 0.9, 0.7, 0.1, 0.8], new EvaluationOptions
        {
            Groups = [new SampleGroups("age band", ["60+", "20–39", "60+", "60+", "20–39"])], MinGroupSize = 1,
        });
        var b = Assert.Single(r.Groups);
        Assert.Equal("age band", b.Facet);
        Assert.Equal(["20–39", "60+"], b.Groups.Select(g => g.Group));
        var old = b.Groups[1];
        Assert.Equal((3, 1.0 / 3.0, 2, 1), (old.Count, old.Accuracy, old.Female, old.Male));
        Assert.Equal(0.5, old.FemaleRecall);
        Assert.Equal(0.0, old.MaleRecall);
        Assert.Null(b.Groups[0].FemaleRecall);
        Assert.True(old.AccuracyLow < old.Accuracy && old.Accuracy < old.AccuracyHigh);
        Assert.Equal(("60+", "20–39"), (b.Worst, b.Best));
        Assert.Equal(2.0 / 3.0, b.Gap!.Value, 12);
        Assert.True(b.GapLow <= b.Gap && b.Gap <= b.GapHigh);
        string md = EvaluationMarkdown.Render(r);
        Assert.Contains("| 60+ (worst) | 3 | 33.33%", md, StringComparison.Ordinal);
        Assert.Contains("worst group: 60+; best–worst gap 66.67 points", md, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate([0, 1], [0.2, 0.9],
            new EvaluationOptions { Groups = [new SampleGroups("g", ["a"])] }));
    }

    [Fact]
    public void Groups_below_the_minimum_size_are_listed_but_not_named_worst()
    {
        var r = Evaluator.Evaluate([0, 1, 0], [0.2, 0.9, 0.7], new EvaluationOptions { Groups = [new SampleGroups("g", ["a", "b", "b"])] });
        Assert.Equal(2, r.Groups[0].Groups.Count);
        Assert.Null(r.Groups[0].Worst);
        Assert.Null(r.Groups[0].Gap);
    }

    [Fact]
    public void Coverage_curve_answers_the_surest_first_and_the_band_abstains()
    {
        // Confidences 0.95, 0.9, 0.6, 0.55 (the last two wrong).
        var r = Evaluator.Evaluate([1, 0, 0, 1], [0.95, 0.1, 0.6, 0.45], new EvaluationOptions { Abstain = AbstainBand.Default });
        Assert.Equal(1.0, r.Coverage[0].Coverage);
        Assert.Equal(0.5, r.Coverage[0].Accuracy);
        var half = r.Coverage.Single(c => c.Answered == 2);
        Assert.Equal(1.0, half.Accuracy);
        Assert.Equal(0.9, half.MinConfidence, 12);
        Assert.Equal((2, 0.5, 1.0), (r.Abstention!.Answered, r.Abstention.Coverage, r.Abstention.Accuracy));
        Assert.Contains("\"abstain\": {\"low\": 0.35", EvaluationJson.ToJson(r), StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_report_and_roc_svg_are_written()
    {
        string dir = Directory.CreateTempSubdirectory("genderml-eval-").FullName;
        try
        {
            var rng = new Random(7);
            var labels = Enumerable.Range(0, 100).Select(i => i % 2).ToArray();
            var scores = labels.Select(y => Math.Clamp(0.3 + 0.4 * y + (rng.NextDouble() - 0.5) * 0.6, 0, 1)).ToArray();
            var r = Evaluator.Evaluate(labels, scores);
            string md = Path.Combine(dir, "report.md");
            EvaluationMarkdown.Write(r, md);
            string text = File.ReadAllText(md);
            foreach (var heading in new[] { "## Summary", "## Classification report", "## Confusion matrix", "## ROC curve", "## Calibration" })
                Assert.Contains(heading, text, StringComparison.Ordinal);
            Assert.Contains("![ROC curve](report-roc.svg)", text, StringComparison.Ordinal);
            var svg = XDocument.Load(Path.Combine(dir, "report-roc.svg"));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.Equal(2, svg.Root.Elements().Count(e => e.Name.LocalName == "polyline"));
            var big = Evaluator.Evaluate(Enumerable.Range(0, 20_000).Select(i => i % 2).ToArray(),
                Enumerable.Range(0, 20_000).Select(i => Math.Clamp(0.3 + 0.4 * (i % 2) + (rng.NextDouble() - 0.5), 0, 1)).ToArray());
            string bigSvg = EvaluationMarkdown.RocSvg(big);
            Assert.True(bigSvg.Length < 60_000, $"ROC SVG of 20,000 scores is {bigSvg.Length} characters");
            Assert.NotNull(XDocument.Parse(bigSvg).Root);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Classification_report_text_has_sklearn_layout()
    {
        string text = Evaluator.Evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).Classification.ToString();
        string expected =
            "              precision    recall  f1-score   support\n\n" +
            "      female       0.67      1.00      0.80         2\n" +
            "        male       1.00      0.50      0.67         2\n\n" +
            "    accuracy                           0.75         4\n" +
            "   macro avg       0.83      0.75      0.73         4\n" +
            "weighted avg       0.83      0.75      0.73         4\n";
        Assert.Equal(expected, text);
    }
}
