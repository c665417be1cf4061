using GenderML.Core;
using GenderML.Trees;

namespace GenderML.Tests.Trees;

public sealed class TrainerTests
{
    private static GradientBoostingOptions Threads(int n) => new() { Compute = new ComputeOptions { Threads = n } };

    private static double Accuracy(GradientBoostedTrees model, FeatureMatrix x, bool[] y)
    {
        var p = model.PredictProbabilities(x);
        return p.Zip(y).Count(t => t.First >= 0.5f == t.Second) / (double)y.Length;
    }

    [Fact]
    public void Learns_xor_which_no_single_split_separates()
    {
        var (x, y) = TreeData.Xor(2000, 3, 1);
        var (tx, ty) = TreeData.Xor(1000, 3, 2);
        var model = GradientBoostingTrainer.Fit(x, y, Threads(2));
        Assert.Equal(100, model.TreeCount);
        Assert.True(Accuracy(model, tx, ty) > 0.95, $"test accuracy {Accuracy(model, tx, ty)}");
        // The two informative columns carry nearly all the importance.
        var importance = model.FeatureImportance();
        Assert.Equal(1.0, importance.Sum(), 1e-5);
        Assert.True(importance[0] + importance[1] > 0.9, string.Join(", ", importance));
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.7, 0.6)]
    public void Same_seed_gives_byte_identical_models_on_1_and_2_threads(double rows, double features)
    {
        var (x, y) = TreeData.Xor(3000, 70, 3);
        var o = new GradientBoostingOptions { Trees = 20, RowSubsample = rows, FeatureSubsample = features, Seed = 42 };
        var one = TreeData.Save(GradientBoostingTrainer.Fit(x, y, o with { Compute = new ComputeOptions { Threads = 1 } }));
        var two = TreeData.Save(GradientBoostingTrainer.Fit(x, y, o with { Compute = new ComputeOptions { Threads = 2 } }));
        var again = TreeData.Save(GradientBoostingTrainer.Fit(x, y, o with { Compute = new ComputeOptions { Threads = 2 } }));
        Assert.Equal(one, two);
        Assert.Equal(two, again);
    }

    [Fact]
    public void Seed_changes_subsampled_model()
    {
        var (x, y) = TreeData.Xor(1000, 5, 4);
        var o = new GradientBoostingOptions { Trees = 5, RowSubsample = 0.5 };
        Assert.NotEqual(
            TreeData.Save(GradientBoostingTrainer.Fit(x, y, o with { Seed = 1 })),
            TreeData.Save(GradientBoostingTrainer.Fit(x, y, o with { Seed = 2 })));
    }

    [Fact]
    public void Byte_and_float_features_give_the_same_model_and_predictions()
    {
        var (bytes, y) = TreeData.Pixels(1500, 16, 5);
        var o = new GradientBoostingOptions { Trees = 15 };
        var a = GradientBoostingTrainer.Fit(FeatureMatrix.FromBytes(bytes, 16), y, o);
        var b = GradientBoostingTrainer.Fit(FeatureMatrix.FromFloats(bytes.Select(v => (float)v).ToArray(), 16), y, o);
        Assert.Equal(TreeData.Save(a), TreeData.Save(b));
        for (int i = 0; i < 50; i++)
        {
            var row = bytes.AsSpan(i * 16, 16);
            Assert.Equal(a.PredictProbability(row), b.PredictProbability(row.ToArray().Select(v => (float)v).ToArray()));
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Predictions_match_the_training_scores(double rowSubsample)
    {
        // The training loss (from binned rows, sampled or not) equals the loss of the model's own predictions.
        var (x, y) = TreeData.Xor(500, 2, 6);
        var reports = new List<GradientBoostingProgress>();
        var o = new GradientBoostingOptions { Trees = 10, RowSubsample = rowSubsample, Seed = 3 };
        var model = GradientBoostingTrainer.Fit(x, y, o, progress: new SyncProgress(reports));
        double[] raw = Enumerable.Range(0, x.Rows).Select(i => model.PredictRaw(x.Floats.AsSpan(i * 4, 4))).ToArray();
        double loss = raw.Zip(y).Average(t => Math.Log(1 + Math.Exp(t.First)) - (t.Second ? t.First : 0));
        Assert.Equal(10, reports.Count);
        Assert.Equal(reports[^1].TrainLoss, loss, 1e-9);
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_prefix()
    {
        // Noisy labels: the validation loss bottoms out early.
        var rng = new Random(8);
        var (x, y) = TreeData.Xor(600, 10, 8);
        var (vx, vy) = TreeData.Xor(600, 10, 9);
        for (int i = 0; i < y.Length; i++) if (rng.NextDouble() < 0.3) y[i] = !y[i];
        var reports = new List<GradientBoostingProgress>();
        var o = new GradientBoostingOptions { Trees = 200, Leaves = 31, MinExamplesPerLeaf = 2, LearningRate = 0.5, EarlyStoppingRounds = 5 };
        var model = GradientBoostingTrainer.Fit(x, y, o, vx, vy, new SyncProgress(reports));
        Assert.True(reports.Count < 200);
        int best = reports.MinBy(r => r.ValidationLoss!.Value)!.Tree;
        Assert.Equal(best, model.TreeCount);
        Assert.Equal(reports.Count, best + 5);
        var full = GradientBoostingTrainer.Fit(x, y, o with { Trees = best, EarlyStoppingRounds = 0 });
        Assert.Equal(TreeData.Save(full), TreeData.Save(model));
    }

    [Fact]
    public void One_class_only_is_a_clear_error()
    {
        var (x, _) = TreeData.Xor(50, 0, 1);
        var e = Assert.Throws<ArgumentException>(() => GradientBoostingTrainer.Fit(x, new bool[50]));
        Assert.Contains("all 50 examples are negative", e.Message);
        Assert.Contains("both classes", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Non_finite_values_are_rejected_naming_row_and_column(float bad, string shown)
    {
        var values = new float[12];
        values[7] = bad;
        var e = Assert.Throws<ArgumentException>(() => FeatureMatrix.FromFloats(values, 3));
        Assert.Contains("row 2, column 1", e.Message);
        Assert.Contains(shown, e.Message);
    }

    [Fact]
    public void Constant_features_give_a_model_of_the_base_rate()
    {
        var x = FeatureMatrix.FromFloats(Enumerable.Repeat(3f, 40).ToArray(), 2);
        var y = Enumerable.Range(0, 20).Select(i => i % 4 == 0).ToArray();
        var model = GradientBoostingTrainer.Fit(x, y);
        Assert.All(model.Trees, t => Assert.Equal(1, t.Leaves));
        Assert.Equal(0.25f, model.PredictProbability([3f, 3f]), 5);
        Assert.All(model.FeatureImportance(), v => Assert.Equal(0f, v));
        Assert.Equal(TreeData.Save(model), TreeData.Save(TreeData.Load(TreeData.Save(model))));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var (x, y) = TreeData.Xor(30, 0, 1);
        Assert.Contains("29 labels for 30 rows", Assert.Throws<ArgumentException>(() => GradientBoostingTrainer.Fit(x, y[..29])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientBoostingTrainer.Fit(x, y, new GradientBoostingOptions { MaxBins = 256 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientBoostingTrainer.Fit(x, y, new GradientBoostingOptions { RowSubsample = 0 }));
        var (vx, _) = TreeData.Xor(10, 1, 1);
        Assert.Contains("3 columns", Assert.Throws<ArgumentException>(() => GradientBoostingTrainer.Fit(x, y, null, vx, new bool[10])).Message);
        var model = GradientBoostingTrainer.Fit(x, y, new GradientBoostingOptions { Trees = 2 });
        Assert.Contains("trained on 2", Assert.Throws<ArgumentException>(() => model.PredictProbability(new float[3])).Message);
    }

    [Fact]
    public void Cancellation_stops_the_fit()
    {
        var (x, y) = TreeData.Xor(200, 0, 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => GradientBoostingTrainer.Fit(x, y, cancellationToken: cts.Token));
    }

    [Fact]
    public void Pixel_importance_map_points_at_the_informative_pixels()
    {
        var (bytes, y) = TreeData.Pixels(3000, 16, 10);
        var model = GradientBoostingTrainer.Fit(FeatureMatrix.FromBytes(bytes, 16), y, new GradientBoostingOptions { Trees = 30 });
        var map = model.ImportanceMap(4, 4);
        Assert.Equal(16, map.Length);
        Assert.Equal(1f, map.Max());
        Assert.True(map[0] + map[5] > 1.5f, string.Join(", ", map));
        var pgm = new MemoryStream();
        ImportanceMap.WritePgm(map, 4, 4, pgm);
        var bytesOut = pgm.ToArray();
        Assert.Equal("P5\n4 4\n255\n"u8.ToArray(), bytesOut[..11]);
        Assert.Equal(11 + 16, bytesOut.Length);
        Assert.Throws<ArgumentException>(() => model.ImportanceMap(5, 5));
    }

    /// <summary>IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<GradientBoostingProgress> sink) : IProgress<GradientBoostingProgress>
    {
        public void Report(GradientBoostingProgress value) => sink.Add(value);
    }
}
