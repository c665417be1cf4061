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
        int withoutFace = (model.Info.Preprocessing.Framing as FaceFraming)?.ImagesWithoutFace ?? 0;
        try
        {
            if (options.Reframe is { } factor)
            {
                (samples, items) = Reframed(dataset, model.Info.Preprocessing, factor, options.Threads, skipped);
            }
            else
            {
                cache = PixelCache.Open(dataset, model.Info.Preprocessing, new PixelCacheOptions
                {
                    Folder = options.CacheFolder, Threads = options.Threads, Cancellation = cancellation, Warnings = options.Notes,
                });
                skipped.AddRange(cache.Failed.Select(s => new SkippedSample(s.Path, s.Reason)));
                var source = new CacheSampleSource(cache, dataset);
                (samples, items) = (source, source.Items);
            }
            float[] p = model.Probabilities(samples, cancellation);
            if (model.Info.Preprocessing.Framing is FaceFraming framing && framing.NoFaceNote(withoutFace) is { } note)
                options.Notes?.Invoke(note);
            int[] labels = [.. items.Select(i => i.Label)];
            CheckUsable(dataset, items, p, skipped);
            var groups = options.GroupBy is { } key ? items.Select(i => i.Metadata.TryGetValue(key, out var v) ? v : "unknown").ToList() : null;
            return Evaluator.Evaluate(labels, p, new EvaluationOptions { Skipped = skipped, Groups = groups }) with { Predictions = Predictions(items, p) };
        }
        finally
        {
            cache?.Dispose();
        }
    }

    /// <summary>
    /// Throws a one-line <see cref="InvalidDataException"/> when nothing can be scored: no image was usable, or the
    /// model gave a P(male) that is not a number (a damaged model).
    /// </summary>
    internal static void CheckUsable(Dataset dataset, IReadOnlyList<DatasetItem> items, ReadOnlySpan<float> pMale, IReadOnlyList<SkippedSample> skipped)
    {
        if (items.Count == 0)
        {
            string first = skipped.Count > 0 ? $"; the first: {skipped[0].Path}: {skipped[0].Reason}" : "";
            throw new InvalidDataException($"{dataset.Root}: nothing to evaluate, none of its images could be used ({skipped.Count} skipped{first})");
        }
        for (int i = 0; i < pMale.Length; i++)
            if (!(pMale[i] >= 0 && pMale[i] <= 1))
                throw new InvalidDataException($"{items[i].Path}: the model gave P(male) = {pMale[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; the model is damaged");
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
        const int Block = 512;
        var items = dataset.Items;
        var pixels = new byte[items.Count * o.BytesPerImage];
        var errors = new string?[items.Count];
        var reframed = new Image?[Math.Min(Block, items.Count)];
        // Decoding and reframing run in parallel; the samples (and a model's face framing, which runs its own threads) a block at a time.
        for (int start = 0; start < items.Count; start += Block)
        {
            int count = Math.Min(Block, items.Count - start);
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, k =>
            {
                int i = start + k;
                try
                {
                    reframed[k] = Reframing.Reframe(Image.Load(items[i].Path), factor);
                }
                catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException)
                {
                    (reframed[k], errors[i]) = (null, e is ImageLoadException bad ? bad.Reason : e.Message);
                }
            });
            int[] ok = [.. Enumerable.Range(0, count).Where(k => reframed[k] is not null)];
            byte[] samples = ImageSample.WriteAll([.. ok.Select(k => reframed[k]!)], o);
            for (int j = 0; j < ok.Length; j++)
                samples.AsSpan(j * o.BytesPerImage, o.BytesPerImage).CopyTo(pixels.AsSpan((start + ok[j]) * o.BytesPerImage));
        }
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
