using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// Network outputs of image files in the feature cache (<see cref="FeatureCache"/>, the one the pixel cache uses):
/// <c>{cache folder}/features/{key}.gmlfc</c>, and the one step that decodes the files the cache lacks (distorted when
/// asked), runs the network on them and appends the results.
/// </summary>
internal static class CachedFeatures
{
    /// <summary>The number of files decoded and run through a network at a time (one segment of the cache).</summary>
    public const int ChunkSize = 256;

    /// <summary>
    /// The cache of <paramref name="length"/> values of <paramref name="element"/> per file for the computation
    /// <paramref name="key"/>.
    /// </summary>
    public static FeatureCache Open(string cacheFolder, string key, FeatureElement element, int length, Action<string>? warnings = null) =>
        new(Path.Combine(cacheFolder, "features", key + ".gmlfc"), element, length, key, warnings);

    /// <summary>
    /// The values of every file of <paramref name="paths"/>: from <paramref name="cache"/>, else decoded (and distorted
    /// by
    /// <paramref name="distortion"/>) and handed, the readable images of a chunk at a time, to <paramref name="run"/>,
    /// which
    /// writes each image's values (<see cref="FeatureCache.SampleBytes"/> bytes per image) or its error.
    /// </summary>
    public static FeatureLookup Fill(FeatureCache cache, IReadOnlyList<string> paths, InputDistortion? distortion, int threads,
        CancellationToken cancellation, Action<int, int>? computed, Action<Image[], byte[], string?[]> run)
    {
        int per = cache.SampleBytes;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellation };
        return cache.Fill(paths, (items, bytes, values, errors) =>
        {
            var images = new Image?[items.Count];
            Parallel.For(0, items.Count, parallel, k =>
            {
                try
                {
                    var image = Image.Load(bytes[k], paths[items[k]]);
                    images[k] = distortion is null ? image : distortion.Apply(image);
                }
                catch (ImageLoadException e)
                {
                    errors[k] = e.Reason;
                }
            });
            int[] good = [.. Enumerable.Range(0, items.Count).Where(k => images[k] is not null)];
            if (good.Length == 0) return;
            var goodValues = new byte[good.Length * per];
            var goodErrors = new string?[good.Length];
            run([.. good.Select(k => images[k]!)], goodValues, goodErrors);
            for (int g = 0; g < good.Length; g++)
            {
                errors[good[g]] = goodErrors[g];
                goodValues.AsSpan(g * per, per).CopyTo(values.AsSpan(good[g] * per, per));
            }
        }, new FeatureFillOptions { Threads = threads, ChunkSize = ChunkSize, Cancellation = cancellation, Computed = computed });
    }
}
