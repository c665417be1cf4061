using System.Text.Json;
using GenderML.Core;
using GenderML.Linear;
using GenderML.Tests.Evaluation;

namespace GenderML.Tests.Linear;

/// <summary>Our L-BFGS logistic regression against scikit-learn 1.2's (fixtures/make_logreg_fixtures.py).</summary>
public sealed class LogisticRegressionTests
{
    private static readonly JsonElement Cases = Load();

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_sklearn_lbfgs(string name)
    {
        var c = Cases.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var (x, y, n, d) = Data(c);
        var options = new LogisticRegressionOptions
        {
            C = c.GetProperty("C").GetDouble(),
            FitIntercept = c.GetProperty("fitIntercept").GetBoolean(),
            Tolerance = 1e-6,
            RelativeTolerance = 0,
            MaxIterations = 10_000,
        };
        if (c.GetProperty("classWeight").ValueKind == JsonValueKind.Array)
        {
            var cw = c.GetProperty("classWeight").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            options = options with { NegativeClassWeight = cw[0], PositiveClassWeight = cw[1] };
        }
        var model = LogisticRegression.Fit(x, n, d, y, options);

        var coef = c.GetProperty("coef").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int j = 0; j < d; j++) Assert.True(Math.Abs(coef[j] - model.Weights[j]) < 1e-3, $"w[{j}]: sklearn {coef[j]}, ours {model.Weights[j]}");
        Assert.True(Math.Abs(c.GetProperty("intercept").GetDouble() - model.Intercept) < 1e-3, $"b: sklearn {c.GetProperty("intercept").GetDouble()}, ours {model.Intercept}");
        var proba = c.GetProperty("proba").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var predictions = c.GetProperty("predictions").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var ours = model.PredictProbabilities(x);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(proba[i] - ours[i]) < 1e-4, $"P[{i}]: sklearn {proba[i]}, ours {ours[i]}");
            Assert.Equal(predictions[i], ours[i] > 0.5 ? 1 : 0);
        }
        Assert.True(model.Fit!.Converged, model.Fit.StopReason);
    }

    [Fact]
    public void Same_bits_with_one_or_two_threads()
    {
        var c = Cases.EnumerateArray().First();
        var (x, y, n, d) = Data(c);
        var one = LogisticRegression.Fit(x, n, d, y, new() { Compute = ComputeOptions.SingleThreaded });
        var two = LogisticRegression.Fit(x, n, d, y, new() { Compute = new ComputeOptions { Threads = 2 } });
        Assert.Equal(one.Weights.ToArray(), two.Weights.ToArray());
        Assert.Equal(one.Intercept, two.Intercept);
        Assert.Equal(one.Fit, two.Fit);
    }

    [Fact]
    public void Gradient_matches_finite_differences()
    {
        var c = Cases.EnumerateArray().ElementAt(2);
        var (x, y, n, d) = Data(c);
        var loss = new LogisticLoss(x, n, d, y, 0.7, 2.0, 0.5, intercept: true, threads: 2);
        var rng = new Random(3);
        var theta = Enumerable.Range(0, loss.Dimension).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var g = new double[loss.Dimension];
        loss.Evaluate(theta, g);
        var scratch = new double[loss.Dimension];
        foreach (int j in new[] { 0, 5, d - 1, d })
        {
            const double h = 1e-3;
            var plus = (double[])theta.Clone(); plus[j] += h;
            var minus = (double[])theta.Clone(); minus[j] -= h;
            double numeric = (loss.Evaluate(plus, scratch) - loss.Evaluate(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - g[j]) < 1e-2 * Math.Max(1, Math.Abs(g[j])), $"∂F/∂θ[{j}]: analytic {g[j]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Cancellation_and_progress()
    {
        var (x, y, n, d) = Data(Cases.EnumerateArray().First());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => LogisticRegression.Fit(x, n, d, y, null, null, cts.Token));
        var seen = new List<LogisticRegressionProgress>();
        var model = LogisticRegression.Fit(x, n, d, y, new() { MaxIterations = 3 }, new SyncProgress(seen.Add));
        Assert.Equal([1, 2, 3], seen.Select(p => p.Iteration));
        Assert.False(model.Fit!.Converged);
        Assert.Equal(3, model.Fit.Iterations);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        float[] x = [1, 2, 3, 4];
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(x, 2, 3, [0, 1]));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(x, 2, 2, [0, 2]));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(x, 2, 2, [0, 1], new() { C = 0 }));
        Assert.Throws<ArgumentException>(() => new LogisticModel([1f, 2f], 0).PredictProbability([1f]));
    }

    private sealed class SyncProgress(Action<LogisticRegressionProgress> report) : IProgress<LogisticRegressionProgress>
    {
        public void Report(LogisticRegressionProgress value) => report(value);
    }

    private static (float[] X, int[] Y, int N, int D) Data(JsonElement c)
    {
        int n = c.GetProperty("n").GetInt32(), d = c.GetProperty("d").GetInt32();
        var x = c.GetProperty("x").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var y = c.GetProperty("y").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return (x, y, n, d);
    }

    private static JsonElement Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestFixtures.PathOf("logreg_fixtures.json")));
        return doc.RootElement.GetProperty("cases").Clone();
    }
}
