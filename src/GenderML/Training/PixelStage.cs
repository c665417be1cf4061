using System.Diagnostics;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>
/// The stages of a pixel model: framed, resized pixels from the pixel cache (<see cref="PixelCache"/>), read as
/// <see cref="CacheSampleSource"/>s, then the recipe's head (logistic regression, boosted trees or a network).
/// </summary>
internal static class PixelStage
{
    /// <summary>Trains <paramref name="recipe"/> on the split's parts; the validation part scores the result.</summary>
    public static TrainingResult Fit(ClassifierRecipe recipe, TrainingSplit split, TrainingOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var (train, validation, whole) = split;
        // A held-out part shares the cache of the whole set: one file, built once and reused by the next run (two caches
        // of the same folder would replace each other's file, since the cache is named by folder and preprocessing).
        var cacheOptions = new PixelCacheOptions { Folder = options.CacheFolder, Threads = options.Threads, Cancellation = cancellation };
        using var trainCache = PixelCache.Open(whole ?? train, recipe.Preprocessing,
            cacheOptions with { Progress = TrainingProgress.PreparingPass(progress, (whole ?? train).Items.Count) });
        using var validationCache = whole is null && validation is { Items.Count: > 0 }
            ? PixelCache.Open(validation, recipe.Preprocessing, cacheOptions with { Progress = TrainingProgress.PreparingPass(progress, validation.Items.Count) })
            : null;
        CacheSampleSource trainSamples;
        CacheSampleSource? validationSamples;
        if (whole is not null)
        {
            var held = validation!.Items.Select(i => i.Path).ToHashSet(StringComparer.Ordinal);
            trainSamples = new CacheSampleSource(trainCache, whole, i => !held.Contains(i.Path));
            validationSamples = held.Count > 0 ? new CacheSampleSource(trainCache, whole, i => held.Contains(i.Path)) : null;
        }
        else
        {
            trainSamples = new CacheSampleSource(trainCache, train);
            validationSamples = validationCache is null ? null : new CacheSampleSource(validationCache, validation!);
        }
        var skipped = (whole ?? train).Skipped.Concat(trainCache.Failed).Concat(validation?.Skipped ?? []).Concat(validationCache?.Failed ?? [])
            .DistinctBy(s => s.Path, StringComparer.Ordinal).ToList();
        int[] counts = trainSamples.CountByLabel();
        if (counts[0] == 0 || counts[1] == 0)
            throw new ArgumentException($"training needs images of both classes; found {counts[0]} female and {counts[1]} male", nameof(train));

        string fingerprint = Trainer.Fingerprint(trainSamples.Items, recipe, options);
        var clock = Stopwatch.StartNew();
        PixelClassifier classifier = Trainer.FitSamples(recipe, trainSamples, validationSamples, options, fingerprint, progress, cancellation);
        EvaluationReport? report = null;
        DatasetScores? heldOut = null;
        string heldOutSource = "validation";
        if (validationSamples is { Count: > 0 })
        {
            float[] p = classifier.Probabilities(validationSamples, cancellation);
            report = Evaluator.Evaluate([.. Enumerable.Range(0, validationSamples.Count).Select(validationSamples.Label)], p);
            heldOut = new DatasetScores(validationSamples.Items, p, [], []);
        }
        else if (recipe.Calibration != CalibrationMethod.None && recipe.CalibrationFolds >= 2)
        {
            heldOut = new DatasetScores(trainSamples.Items, OutOfFold(recipe, trainSamples, options, fingerprint, cancellation), [], []);
            heldOutSource = $"out-of-fold ({recipe.CalibrationFolds} folds)";
        }
        var info = classifier.Info with
        {
            Training = classifier.Info.Training! with { Seconds = clock.Elapsed.TotalSeconds, ValidationCount = validationSamples?.Count ?? 0 },
            Metrics = report is null ? classifier.Info.Metrics : Trainer.MetricsOf(report),
        };
        return new TrainingResult(Trainer.WithInfo(classifier, info), report, skipped) { HeldOut = heldOut, HeldOutSource = heldOutSource };
    }

    /// <summary>
    /// Raw P(male) of every training sample from the recipe trained on the other folds (stratified folds from the
    /// seed), for calibrating a model that holds no validation part out.
    /// </summary>
    private static float[] OutOfFold(ClassifierRecipe recipe, CacheSampleSource samples, TrainingOptions options, string fingerprint,
        CancellationToken cancellation)
    {
        int k = recipe.CalibrationFolds, n = samples.Count;
        var fold = new int[n];
        var random = new Random(options.Seed);
        for (int label = 0; label < 2; label++)
        {
            int[] members = [.. Enumerable.Range(0, n).Where(i => samples.Label(i) == label)];
            random.Shuffle(members);
            for (int r = 0; r < members.Length; r++) fold[members[r]] = r % k;
        }
        var p = new float[n];
        options = options with { CheckpointPath = null, Resume = false, Notes = null };
        for (int f = 0; f < k; f++)
        {
            int[] inner = [.. Enumerable.Range(0, n).Where(i => fold[i] != f)], held = [.. Enumerable.Range(0, n).Where(i => fold[i] == f)];
            var model = Trainer.FitSamples(recipe, new IndexedSampleSource(samples, inner), null, options, fingerprint, null, cancellation);
            float[] q = model.Probabilities(new IndexedSampleSource(samples, held), cancellation);
            for (int j = 0; j < held.Length; j++) p[held[j]] = q[j];
        }
        return p;
    }

}
