using System.Diagnostics;
using GenderML.Training;
using GenderML.Trees;

namespace GenderML.Heads;

/// <summary>
/// The gradient-boosted-trees head on a feature matrix, whatever produced it (pixels, embeddings of a frozen network):
/// <see cref="GradientBoostingTrainer.Fit"/> on 0/1 labels, with validation data for its early stopping, reporting one
/// progress step per tree.
/// </summary>
internal static class TreeHead
{
    public static GradientBoostedTrees Fit(FeatureMatrix x, int[] y, FeatureMatrix? xv, int[]? yv, GradientBoostingOptions boosting,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var report = progress is null ? null : new Progress<GradientBoostingProgress>(p =>
            progress.Report(new TrainingProgress(p.Tree, boosting.Trees, 1, 1, p.TrainLoss, double.NaN, p.ValidationLoss, null, clock.Elapsed, TimeSpan.Zero)));
        bool validated = xv is not null && yv is { Length: > 0 };
        return GradientBoostingTrainer.Fit(x, [.. y.Select(l => l == 1)], boosting,
            validated ? xv : null, validated ? [.. yv!.Select(l => l == 1)] : null, report, cancellation);
    }
}
