using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Training;
using GenderML.Transfer;

namespace GenderML.Classifiers;

/// <summary>
/// Evaluation input of pixel models (<see cref="PixelClassifier.ScoreUncalibrated"/>): a dataset's samples from the pixel cache,
/// or,
/// reframed or stressed, decoded, distorted and preprocessed in memory (a distorted image is not worth caching).
/// </summary>
internal static class PixelScoring
{
    private const int Block = 512;

    public static DatasetScores Score(PixelClassifier model, Dataset dataset, ModelEvaluationOptions options,
        CancellationToken cancellation)
    {
        var preprocessing = model.Info.Preprocessing;
        var faces = preprocessing.Framing as FaceFraming;
        int withoutFace = faces?.ImagesWithoutFace ?? 0;
        var skipped = new List<SkippedSample>();
        SampleSource samples;
        IReadOnlyList<DatasetItem> items;
        PixelCache? cache = null;
        try
        {
            if (InputDistortion.Of(options) is { } distortion)
            {
                (samples, items) = Distorted(dataset, preprocessing, distortion, options.Threads, skipped, cancellation);
            }
            else
            {
                var cacheOptions = new PixelCacheOptions
                {
                    Folder = options.CacheFolder, Threads = options.Threads, Cancellation = cancellation,
                    Warnings = options.Notes,
                };
                cache = PixelCache.Open(dataset, preprocessing, cacheOptions);
                skipped.AddRange(cache.Failed.Select(s => new SkippedSample(s.Path, s.Reason)));
                var source = new CacheSampleSource(cache, dataset);
                (samples, items) = (source, source.Items);
            }
            float[] p = model.Probabilities(samples, cancellation);
            return new DatasetScores(items, p, skipped, faces?.NoFaceNote(withoutFace) is { } note ? [note] : []);
        }
        finally
        {
            cache?.Dispose();
        }
    }

    private static (SampleSource, IReadOnlyList<DatasetItem>) Distorted(Dataset dataset, PreprocessOptions o,
        InputDistortion distortion, int threads, List<SkippedSample> skipped, CancellationToken cancellation)
    {
        var items = dataset.Items;
        string[] paths = [.. items.Select(i => i.Path)];
        var pixels = new byte[items.Count * o.BytesPerImage];
        var errors = new string?[items.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellation,
        };
        // Decoding and reframing run in parallel; the samples (and a model's face framing, which runs its own
        // threads) a block at a time.
        for (int start = 0; start < items.Count; start += Block)
        {
            var block = Enumerable.Range(start, Math.Min(Block, items.Count - start)).ToList();
            var reframed = FileImages.Load(paths, block, distortion, errors, parallel);
            int[] ok = [.. Enumerable.Range(0, block.Count).Where(k => reframed[k] is not null)];
            byte[] samples = ImageSample.WriteAll([.. ok.Select(k => reframed[k]!)], o);
            for (int j = 0; j < ok.Length; j++)
            {
                int per = o.BytesPerImage;
                samples.AsSpan(j * per, per).CopyTo(pixels.AsSpan((start + ok[j]) * per));
            }
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
