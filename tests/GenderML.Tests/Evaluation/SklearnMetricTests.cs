using System.Text.Json;
using GenderML.Evaluation;

namespace GenderML.Tests.Evaluation;

/// <summary>Our metrics against scikit-learn 1.2's, from fixtures/make_metric_fixtures.py.</summary>
public sealed class SklearnMetricTests
{
    private static readonly JsonElement Cases = LoadCases();

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Metrics_match_sklearn(string name)
    {
        var c = Cases.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        int[] labels = Ints(c, "labels");
        double[] scores = Doubles(c, "scores");
        var r = Evaluator.Evaluate(labels, scores);

        Assert.Equal(c.GetProperty("accuracy").GetDouble(), r.Accuracy, 12);
        var (f, m) = (r.Classification.Female, r.Classification.Male);
        Assert.Equal(Doubles(c, "precision"), new[] { f.Precision, m.Precision }, Close);
        Assert.Equal(Doubles(c, "recall"), new[] { f.Recall, m.Recall }, Close);
        Assert.Equal(Doubles(c, "f1"), new[] { f.F1, m.F1 }, Close);
        Assert.Equal(Ints(c, "support"), new[] { f.Support, m.Support });
        var macro = r.Classification.MacroAverage;
        var weighted = r.Classification.WeightedAverage;
        Assert.Equal(Doubles(c, "macro"), new[] { macro.Precision, macro.Recall, macro.F1 }, Close);
        Assert.Equal(Doubles(c, "weighted"), new[] { weighted.Precision, weighted.Recall, weighted.F1 }, Close);
        Assert.Equal(new ConfusionMatrix(c.GetProperty("tp").GetInt32(), c.GetProperty("tn").GetInt32(),
            c.GetProperty("fp").GetInt32(), c.GetProperty("fn").GetInt32()), r.Confusion);
        Assert.Equal(c.GetProperty("rocAuc").GetDouble(), r.RocAuc, 12);
        Assert.Equal(Doubles(c, "fpr"), r.Roc.FalsePositiveRate, Close);
        Assert.Equal(Doubles(c, "tpr"), r.Roc.TruePositiveRate, Close);
        Assert.Equal(c.GetProperty("averagePrecision").GetDouble(), r.PrAuc, 12);
        Assert.Equal(c.GetProperty("logLoss").GetDouble(), r.LogLoss, 12);
        Assert.Equal(c.GetProperty("brier").GetDouble(), r.Brier, 12);
        Assert.Equal(c.GetProperty("ece").GetDouble(), r.ExpectedCalibrationError, 12);
        Assert.Equal(c.GetProperty("report").GetString(), r.Classification.ToString());
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-12;

    private static int[] Ints(JsonElement c, string p) => c.GetProperty(p).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static double[] Doubles(JsonElement c, string p) => c.GetProperty(p).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static JsonElement LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestFixtures.PathOf("metric_fixtures.json")));
        return doc.RootElement.GetProperty("cases").Clone();
    }
}
