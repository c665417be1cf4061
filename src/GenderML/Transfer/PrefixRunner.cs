using System.Globalization;
using System.Runtime.InteropServices;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// The frozen prefix of the face ResNet (stem … <c>conv128_2</c>): images → optional canonical framing → face-api's
/// 150×150 input → N×128×8×8, stored as float16 (the same rounding for cached and in-memory images, so both predict
/// the same). The mirror image's prefix is the prefix of the horizontally flipped framed crop.
/// </summary>
internal sealed class PrefixRunner
{
    private readonly FaceResNet _resnet;
    private readonly Lock _gate = new();
    private readonly FaceModelOptions _options;
    private readonly FaceFraming? _framing;
    private readonly int _threads;

    public PrefixRunner(string? modelsFolder, WeightMap weights, FaceFraming? framing, int threads)
    {
        _options = FaceModelsFolder.Options(modelsFolder, threads);
        _resnet = FaceResNet.Frozen(weights, _options.Compute, FineTuneNetwork.PrefixEnd);
        _framing = framing;
        _threads = Math.Max(1, threads);
    }

    /// <summary>The face-api weight files the prefix (and framing) read.</summary>
    public static IEnumerable<string> WeightFiles(FaceFraming? framing) => Embedder.WeightFiles(true, false, framing);

    /// <summary>The cache key of this preprocessing (as the embedding cache's) and view.</summary>
    public string Key(InputDistortion? distortion, bool mirror) => string.Create(CultureInfo.InvariantCulture,
        $"faceresnet-{FineTuneNetwork.PrefixEnd}-{_framing?.Key ?? "whole"}{distortion?.Key}{(mirror ? "-mirror" : "")}");

    /// <summary>
    /// The prefixes of in-memory images and (with <paramref name="mirror"/>) of their mirrors; <paramref name="found"/>, when
    /// given, says per image whether the framing found a face (its slots are left as they are, null in a new array, without
    /// framing).
    /// </summary>
    public (Half[][] Plain, Half[][]? Mirrored) Run(IReadOnlyList<Image> images, bool mirror, out int noFace, bool?[]? found = null)
    {
        int missing = 0;
        IReadOnlyList<Image> framed = _framing is null ? images : [.. _framing.Frame(images, found, out missing).Select((f, i) => f ?? images[i])];
        noFace = missing;
        return (Prefixes(framed), mirror ? Prefixes([.. framed.Select(f => f.FlipHorizontal())]) : null);
    }

    private Half[][] Prefixes(IReadOnlyList<Image> framed)
    {
        var result = new Half[framed.Count][];
        lock (_gate) _options.ForEachBatch(framed, (batch, start) => Prefixes(batch, start, result));
        return result;
    }

    private void Prefixes(IReadOnlyList<Image> batch, int start, Half[][] result)
    {
        const int Side = FaceRecognitionNet.InputSize;
        var x = FaceInput.ToBatch(batch, Side, centred: true, InputNormalization.FaceMeans, _threads);
        var y = _resnet.Forward(x);
        if (y.Dim(1) != FineTuneNetwork.PrefixChannels || y.Dim(2) != FineTuneNetwork.PrefixSide
            || y.Dim(3) != FineTuneNetwork.PrefixSide)
            throw new InvalidOperationException($"the face ResNet prefix gave {y}, expected N×128×8×8");
        for (int n = 0; n < batch.Count; n++)
        {
            var h = new Half[FineTuneNetwork.PrefixLength];
            var src = y.Data.AsSpan(n * h.Length, h.Length);
            for (int j = 0; j < h.Length; j++) h[j] = (Half)src[j];
            result[start + n] = h;
        }
    }

    /// <summary>
    /// The prefixes of image files (and of their mirrors), from the feature cache when present; the rest are decoded (and
    /// distorted by <paramref name="distortion"/>), run in chunks and appended to the cache (a file's values: its prefix,
    /// then with <paramref name="mirror"/> its mirror's). Files that fail get null and a reason.
    /// <paramref name="computed"/> hears (done, to do) after every chunk of cache misses; <paramref name="warnings"/> hears
    /// what was wrong with the cache file (then recomputed).
    /// </summary>
    public (Half[]?[] Plain, Half[]?[]? Mirrored) RunFiles(IReadOnlyList<string> paths, string cacheFolder, InputDistortion? distortion, bool mirror,
        string?[] errors, out EmbeddingStats stats, CancellationToken cancellation, Action<int, int>? computed = null, Action<string>? warnings = null)
    {
        const int Length = FineTuneNetwork.PrefixLength;
        using var cache = CachedFeatures.Open(cacheFolder, Key(distortion, mirror), FeatureElement.Float16, mirror ? 2 * Length : Length, warnings);
        int noFace = 0;
        var lookup = CachedFeatures.Fill(cache, paths, distortion, _threads, cancellation, computed, (images, values, _) =>
        {
            var (p, m) = Run(images, mirror, out int missing);
            noFace += missing;
            var halves = MemoryMarshal.Cast<byte, Half>(values.AsSpan());
            int per = cache.ValuesPerSample;
            for (int g = 0; g < images.Length; g++)
            {
                p[g].CopyTo(halves.Slice(g * per, Length));
                if (m is not null) m[g].CopyTo(halves.Slice(g * per + Length, Length));
            }
        });
        var plain = new Half[]?[paths.Count];
        var mirrored = mirror ? new Half[]?[paths.Count] : null;
        for (int i = 0; i < paths.Count; i++)
        {
            if (lookup.Offsets[i] < 0)
            {
                errors[i] ??= lookup.Errors[i];
                continue;
            }
            Half[] v = cache.ReadHalves(lookup.Offsets[i]);
            plain[i] = mirror ? v[..Length] : v;
            if (mirrored is not null) mirrored[i] = v[Length..];
        }
        stats = new EmbeddingStats(lookup.Reused, lookup.Computed, noFace);
        return (plain, mirrored);
    }
}
