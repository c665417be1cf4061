using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Training;

namespace GenderML;

/// <summary>Settings of <see cref="ModelEvaluator.Evaluate"/>.</summary>
public sealed record ModelEvaluationOptions
{
    /// <summary>When set, every image is first reframed by this factor (<see cref="Reframing.Reframe"/>): a looser crop of the same face.</summary>
    public double? Reframe { get; init; }

    /// <summary>Metadata key to break accuracy down by (e.g. <c>age</c> or <c>race</c> for UTKFace); null for none.</summary>
    public string? GroupBy { get; init; }

    /// <summary>Where the pixel cache lives (null = the default cache folder).</summary>
    public string? CacheFolder { get; init; }

    /// <summary>Receives notes on how the evaluation went (embedding cache hits, images where no face was found); null ignores them.</summary>
    public Action<string>? Notes { get; init; }

    /// <summary>Threads for decoding (default: every core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>The front door for evaluation: a classifier and labelled images → an <see cref="EvaluationReport"/>.</summary>
public static class ModelEvaluator
{
    /// <summary>
    /// Predicts every image of <paramref name="dataset"/> and scores the predictions (positive class: male). Files that
    /// cannot be read are listed in <see cref="EvaluationReport.Skipped"/>, never dropped silently.
    /// </summary>
    public static EvaluationReport Evaluate(IGenderClassifier classifier, Dataset dataset, ModelEvaluationOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new ModelEvaluationOptions();
        if (classifier is PretrainedGenderClassifier pretrained) classifier = pretrained.Inner;
        if (classifier is Transfer.IFileClassifier files) return Transfer.FileEvaluation.Evaluate(files, dataset, options, cancellation);
        var model = classifier as TrainedClassifier ?? throw new ArgumentException("only GenderML's own classifiers can be evaluated here", nameof(classifier));
        var skipped = dataset.Skipped.Select(s => new SkippedSample(s.Path, s.Reason)).ToList();
        SampleSource samples;
        IReadOnlyList<DatasetItem> items;
        PixelCache? cache = null;
        try
        {
            if (options.Reframe is { } factor)
            {
                (samples, items) = Reframed(dataset, model.Info.Preprocessing, factor, options.Threads, skipped);
            }
            else
            {
                cache = PixelCache.Open(dataset, model.Info.Preprocessing, new PixelCacheOptions { Folder = options.CacheFolder, Threads = options.Threads });
                skipped.AddRange(cache.Failed.Select(s => new SkippedSample(s.Path, s.Reason)));
                var source = new CacheSampleSource(cache, dataset);
                (samples, items) = (source, source.Items);
            }
            float[] p = model.Probabilities(samples, cancellation);
            int[] labels = [.. items.Select(i => i.Label)];
            var groups = options.GroupBy is { } key ? items.Select(i => i.Metadata.TryGetValue(key, out var v) ? v : "unknown").ToList() : null;
            return Evaluator.Evaluate(labels, p, new EvaluationOptions { Skipped = skipped, Groups = groups }) with { Predictions = Predictions(items, p) };
        }
        finally
        {
            cache?.Dispose();
        }
    }

    /// <summary>The per-image predictions of an evaluation: <paramref name="items"/>[i] scored <paramref name="pMale"/>[i].</summary>
    internal static SamplePrediction[] Predictions(IReadOnlyList<DatasetItem> items, ReadOnlySpan<float> pMale)
    {
        var result = new SamplePrediction[items.Count];
        for (int i = 0; i < result.Length; i++) result[i] = new SamplePrediction(items[i].Path, items[i].Label, pMale[i]);
        return result;
    }

    private static (SampleSource, IReadOnlyList<DatasetItem>) Reframed(Dataset dataset, PreprocessOptions o, double factor, int threads, List<SkippedSample> skipped)
    {
        var items = dataset.Items;
        var pixels = new byte[items.Count * o.BytesPerImage];
        var errors = new string?[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            try
            {
                var image = Reframing.Reframe(Image.Load(items[i].Path), factor);
                ImageSample.Write(image, o, pixels.AsSpan(i * o.BytesPerImage, o.BytesPerImage));
            }
            catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException)
            {
                errors[i] = e is ImageLoadException bad ? bad.Reason : e.Message;
            }
        });
        var kept = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            if (errors[i] is { } reason) skipped.Add(new SkippedSample(items[i].Path, reason));
            else kept.Add(i);
        }
        var all = new ArraySampleSource(pixels, [.. items.Select(i => i.Label)], o.BytesPerImage);
        return (new IndexedSampleSource(all, [.. kept]), [.. kept.Select(i => items[i])]);
    }
}
