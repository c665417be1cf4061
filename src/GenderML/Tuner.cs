using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Training;

namespace GenderML;

/// <summary>How one setting of a search scored under cross-validation.</summary>
/// <param name="Setting">The hyperparameters.</param>
/// <param name="FoldAccuracies">Accuracy on each held-out fold, in fold order.</param>
public sealed record TuningResult(TuningSetting Setting, IReadOnlyList<double> FoldAccuracies)
{
    /// <summary>The mean of <see cref="FoldAccuracies"/>.</summary>
    public double Mean => FoldAccuracies.Count == 0 ? double.NaN : FoldAccuracies.Average();

    /// <summary>The sample standard deviation of <see cref="FoldAccuracies"/> (0 for one fold).</summary>
    public double StandardDeviation
    {
        get
        {
            if (FoldAccuracies.Count < 2) return 0;
            double m = Mean;
            return Math.Sqrt(FoldAccuracies.Sum(a => (a - m) * (a - m)) / (FoldAccuracies.Count - 1));
        }
    }
}

/// <summary>The front door of <c>genderml tune</c>: hyperparameter search with stratified k-fold cross-validation.</summary>
public static class Tuner
{
    /// <summary>
    /// Scores every setting by stratified <paramref name="folds"/>-fold cross-validation on <paramref name="train"/>:
    /// the folds are drawn once from <see cref="TrainingOptions.Seed"/> (the same for every setting); each fold is held
    /// out in turn, the recipe with the setting applied is trained on the others (no inner validation, so no early
    /// stopping) and its accuracy on the held-out fold is kept. Results are in the order of <paramref name="settings"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 folds, more folds than images of a class, or no settings.</exception>
    public static IReadOnlyList<TuningResult> Search(ClassifierRecipe recipe, Dataset train, IReadOnlyList<TuningSetting> settings, int folds = 5,
        TrainingOptions? options = null, IProgress<TuningResult>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Count == 0) throw new ArgumentException("no settings to try", nameof(settings));
        if (folds < 2) throw new ArgumentException($"cross-validation needs at least 2 folds, not {folds}", nameof(folds));
        options ??= new TrainingOptions();
        options = options with { ValidationFraction = 0, CheckpointPath = null, Resume = false };
        using var cache = PixelCache.Open(train, recipe.Preprocessing, new PixelCacheOptions { Folder = options.CacheFolder, Threads = options.Threads, Cancellation = cancellation });
        var samples = new CacheSampleSource(cache, train);
        int[] fold = Folds(samples, folds, options.Seed);
        var results = new List<TuningResult>(settings.Count);
        foreach (var setting in settings)
        {
            var (r, o) = setting.Apply(recipe, options);
            var accuracies = new double[folds];
            for (int k = 0; k < folds; k++)
            {
                cancellation.ThrowIfCancellationRequested();
                var fit = new IndexedSampleSource(samples, [.. Enumerable.Range(0, samples.Count).Where(i => fold[i] != k)]);
                var held = new IndexedSampleSource(samples, [.. Enumerable.Range(0, samples.Count).Where(i => fold[i] == k)]);
                var model = Trainer.FitSamples(r, fit, null, o, "cv", null, cancellation);
                float[] p = model.Probabilities(held, cancellation);
                int right = 0;
                for (int i = 0; i < p.Length; i++) if ((p[i] >= 0.5f ? 1 : 0) == held.Label(i)) right++;
                accuracies[k] = (double)right / p.Length;
            }
            var result = new TuningResult(setting, accuracies);
            results.Add(result);
            progress?.Report(result);
        }
        return results;
    }

    /// <summary>The result with the highest mean accuracy (the first of equals).</summary>
    public static TuningResult Best(IReadOnlyList<TuningResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("no results", nameof(results));
        var best = results[0];
        foreach (var r in results) if (r.Mean > best.Mean) best = r;
        return best;
    }

    /// <summary>
    /// The fold of each sample: each class's samples are shuffled with <paramref name="seed"/> and dealt round-robin,
    /// so every fold holds the classes in the proportions of the whole (to within one image).
    /// </summary>
    internal static int[] Folds(SampleSource samples, int folds, int seed) =>
        Folds([.. Enumerable.Range(0, samples.Count).Select(samples.Label)], folds, seed);

    /// <summary>A stratified fold number (0 … <paramref name="folds"/> − 1) for each label, shuffled by <paramref name="seed"/>.</summary>
    internal static int[] Folds(IReadOnlyList<int> labels, int folds, int seed)
    {
        int females = labels.Count(l => l == 0), males = labels.Count - females;
        if (Math.Min(females, males) < folds)
            throw new ArgumentException($"{folds} folds need at least {folds} images of each class; found {females} female and {males} male", nameof(folds));
        var fold = new int[labels.Count];
        var random = new Random(seed);
        for (int label = 0; label < 2; label++)
        {
            int[] members = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i] == label)];
            random.Shuffle(members);
            for (int j = 0; j < members.Length; j++) fold[members[j]] = j % folds;
        }
        return fold;
    }
}
