using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Linear;
using GenderML.Training;
using GenderML.Trees;

namespace GenderML;

/// <summary>The front door for training: a recipe plus labelled images → a trained <see cref="IGenderClassifier"/>.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="recipe"/> on <paramref name="train"/>. Images are preprocessed once into the pixel
    /// cache (reused by later runs); those that cannot be decoded are listed in <see cref="TrainingResult.Skipped"/>.
    /// Without <paramref name="validation"/>, a stratified <see cref="TrainingOptions.ValidationFraction"/> of
    /// <paramref name="train"/> is held out (from the seed) for validation and early stopping. Without
    /// <paramref name="options"/>, the recipe's own <see cref="ClassifierRecipe.Training"/> options are used.
    /// </summary>
    /// <exception cref="ArgumentException">No usable training images, or only one class.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired; with a checkpoint path, the last finished epoch is saved.</exception>
    public static TrainingResult Fit(ClassifierRecipe recipe, Dataset train, Dataset? validation = null, TrainingOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(train);
        options ??= recipe.Training;
        Dataset? whole = null;
        if (validation is null && options.ValidationFraction > 0)
        {
            var split = train.SplitStratified(new SplitFractions(1 - options.ValidationFraction, options.ValidationFraction, 0), options.Seed);
            (whole, train, validation) = (train, split.Subset(SplitNames.Train), split.Subset(SplitNames.Validation));
        }
        // Every model goes the one way from here: its framing, its features (pixels, or the outputs of a frozen
        // backbone or prefix, each from its disk cache) and its head, as the recipe's stages say.
        return recipe.FitStages(new TrainingSplit(train, validation, whole), options, progress, cancellation);
    }

    /// <summary>Trains on samples already preprocessed (the cross-validation folds of <see cref="Tuner"/> come this way).</summary>
    internal static PixelClassifier FitSamples(ClassifierRecipe recipe, SampleSource train, SampleSource? validation, TrainingOptions options,
        string fingerprint, IProgress<TrainingProgress>? progress, CancellationToken cancellation) => recipe switch
    {
        LogisticRegressionRecipe r => FitLogistic(r, train, options, fingerprint, progress, cancellation),
        NeuralNetworkRecipe r => FitNetwork(r, train, validation, options, fingerprint, progress, cancellation),
        GradientBoostingRecipe r => FitTrees(r, train, validation, options, fingerprint, progress, cancellation),
        _ => throw new ArgumentException($"no trainer for {recipe.GetType().Name}", nameof(recipe)),
    };

    private static LogisticClassifier FitLogistic(LogisticRegressionRecipe recipe, SampleSource train, TrainingOptions o, string fingerprint,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var features = LogisticClassifier.Features.Matrix(train);
        int[] labels = [.. Enumerable.Range(0, train.Count).Select(train.Label)];
        var clock = Stopwatch.StartNew();
        var report = progress is null ? null : new Progress<LogisticRegressionProgress>(p =>
            progress.Report(new TrainingProgress(p.Iteration, recipe.MaxIterations, 1, 1, p.Objective / train.Count, double.NaN, null, null, clock.Elapsed, TimeSpan.Zero)));
        var model = Heads.LogisticHead.Fit(features, train.Count, train.BytesPerSample, labels, [recipe.C],
            new LogisticRegressionOptions { MaxIterations = recipe.MaxIterations, Tolerance = recipe.Tolerance, Compute = new ComputeOptions { Threads = o.Threads } },
            null, report, cancellation).Model;
        var fit = model.Fit!;
        var info = new ClassifierInfo
        {
            Kind = recipe.Kind,
            Architecture = string.Create(CultureInfo.InvariantCulture, $"logistic regression on {recipe.Preprocessing.Key} pixels / 255, L2 with C = {recipe.C}"),
            Preprocessing = recipe.Preprocessing,
            Training = new TrainingSummary(fit.Iterations, fit.Iterations, 0, train.Count, 0, o.Seed, fingerprint,
                string.Create(CultureInfo.InvariantCulture, $"C={recipe.C}; maxIterations={recipe.MaxIterations}; tol={recipe.Tolerance}; converged={fit.Converged} ({fit.StopReason})")),
        };
        return new LogisticClassifier(model, info);
    }

    private static NeuralNetworkClassifier FitNetwork(NeuralNetworkRecipe recipe, SampleSource train, SampleSource? validation, TrainingOptions o,
        string fingerprint, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var spec = new NetworkSpec(recipe.Preset, recipe.Preprocessing.Channels, recipe.Preprocessing.Size, recipe.HiddenUnits);
        var (network, description, dropouts) = spec.Build(o.Seed);
        var result = NetworkTrainer.Fit(network, dropouts, train, validation, spec.CreateBatchBuilder(o.Threads), o, fingerprint, progress, cancellation);
        var info = new ClassifierInfo
        {
            Kind = recipe.Kind,
            Architecture = description,
            Preprocessing = recipe.Preprocessing,
            Training = new TrainingSummary(result.EpochsRun, result.BestEpoch, result.Seconds, train.Count, validation?.Count ?? 0, o.Seed, fingerprint, Describe(o)),
            Curves = result.Curves,
        };
        return new NeuralNetworkClassifier(spec, network, info, o.Threads);
    }

    private static GradientBoostingClassifier FitTrees(GradientBoostingRecipe recipe, SampleSource train, SampleSource? validation, TrainingOptions o,
        string fingerprint, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var boosting = recipe.Boosting with { Seed = o.Seed, Compute = new ComputeOptions { Threads = o.Threads } };
        int[] Labels(SampleSource s) => [.. Enumerable.Range(0, s.Count).Select(s.Label)];
        var trees = Heads.TreeHead.Fit(GradientBoostingClassifier.Matrix(train), Labels(train),
            validation is { Count: > 0 } ? GradientBoostingClassifier.Matrix(validation) : null, validation is { Count: > 0 } ? Labels(validation) : null,
            boosting, progress, cancellation);
        var info = new ClassifierInfo
        {
            Kind = recipe.Kind,
            Architecture = string.Create(CultureInfo.InvariantCulture,
                $"gradient-boosted trees on {recipe.Preprocessing.Key} pixels: {trees.TreeCount} trees × ≤ {boosting.Leaves} leaves, learning rate {boosting.LearningRate}, {boosting.MaxBins} bins"),
            Preprocessing = recipe.Preprocessing,
            Training = new TrainingSummary(trees.TreeCount, trees.TreeCount, 0, train.Count, validation?.Count ?? 0, o.Seed, fingerprint, boosting.ToString()),
        };
        return new GradientBoostingClassifier(trees, info);
    }

    internal static PixelClassifier WithInfo(PixelClassifier classifier, ClassifierInfo info) => classifier switch
    {
        LogisticClassifier l => new LogisticClassifier(l.Model, info),
        NeuralNetworkClassifier n => n.WithInfo(info),
        GradientBoostingClassifier g => new GradientBoostingClassifier(g.Trees, info),
        _ => classifier,
    };

    internal static Dictionary<string, double> MetricsOf(EvaluationReport r) => new(StringComparer.Ordinal)
    {
        ["n"] = r.N, ["accuracy"] = r.Accuracy, ["auc"] = r.RocAuc, ["logLoss"] = r.LogLoss, ["brier"] = r.Brier, ["ece"] = r.ExpectedCalibrationError,
    };

    internal static string Describe(TrainingOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"epochs={o.Epochs}; batch={o.BatchSize}; lr={o.LearningRate}; schedule={o.Schedule}; optimizer={o.Optimizer}; weightDecay={o.WeightDecay}; l1={o.L1}; l2={o.L2}; clip={o.GradientClipNorm}; balance={o.BalanceClasses}; patience={o.EarlyStoppingPatience}; augmentation={o.Augmentation}; seed={o.Seed}");

    private static readonly TrainingOptions FingerprintOptions = new() { Threads = 1 };

    /// <summary>SHA-256 over the training files (path relative to the dataset root, size, label), the recipe and the options that shape the result.</summary>
    internal static string Fingerprint(IReadOnlyList<DatasetItem> items, ClassifierRecipe recipe, TrainingOptions o)
    {
        var text = new StringBuilder();
        // The recipe's own training options are left out: the options that shape the result are described next.
        text.Append(recipe with { Training = FingerprintOptions }).Append('|').Append(Describe(o)).Append('\n');
        foreach (var item in items)
        {
            long size = new FileInfo(item.Path).Length;
            text.Append(Path.GetFileName(item.Path)).Append(' ').Append(size.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(item.Label.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
