using System.Globalization;
using System.Runtime.InteropServices;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>What an embedding pass did.</summary>
/// <param name="CacheHits">Images whose embedding came from the cache.</param>
/// <param name="Computed">Images run through the network now.</param>
/// <param name="NoFace">Images (canonical framing only) where no face was found, used whole.</param>
internal sealed record EmbeddingStats(int CacheHits, int Computed, int NoFace)
{
    /// <summary>A one-line note of this pass for a cache of <paramref name="outputs"/> ("embeddings", "prefixes").</summary>
    public string Note(string outputs, bool framed) => string.Create(CultureInfo.InvariantCulture,
        $"{outputs}: {CacheHits} from the cache, {Computed} computed{(framed ? $"; canonical framing found no face in {NoFace} of the computed images (used whole)" : "")}");
}

/// <summary>
/// Turns images into frozen-network embeddings: the face ResNet's 128-d descriptor or its 640 stage means
/// (<see cref="FaceResNetFeatures"/>), and/or the age/gender net's 512 pooled features followed by its P(male) and age
/// (514 floats). Optionally reframes and canonically crops first.
/// </summary>
internal sealed class Embedder
{
    public const int AgeGenderLength = AgeGenderNet.FeatureLength + 2;

    private readonly FaceRecognitionNet? _resnet;
    private readonly FaceResNetFeatures _resnetFeatures;
    private readonly AgeGenderNet? _ageGender;
    private readonly FaceFraming? _framing;
    private readonly int _threads;

    /// <summary>
    /// The networks in use (<paramref name="resnet"/>: what to read out of the face ResNet, null when it is not run), the
    /// framing (null: images taken whole) and mirror averaging.
    /// </summary>
    public Embedder(string? modelsFolder, FaceResNetFeatures? resnet, bool ageGender, FaceFraming? framing, int threads, bool mirror = false)
    {
        var options = FaceModelsFolder.Options(modelsFolder, threads);
        _resnet = resnet is null ? null : FaceRecognitionNet.Load(options);
        _resnetFeatures = resnet ?? FaceResNetFeatures.Descriptor;
        _ageGender = ageGender ? AgeGenderNet.Load(options) : null;
        _framing = framing;
        _threads = Math.Max(1, threads);
        Mirror = mirror;
    }

    /// <summary>The length of the face ResNet part of an embedding.</summary>
    public static int ResNetLength(FaceResNetFeatures features) =>
        features == FaceResNetFeatures.StageMeans ? FaceRecognitionNet.StageMeansLength : FaceRecognitionNet.DescriptorLength;

    /// <summary>True when every embedding is the mean of the image's and its mirror image's (test-time mirror averaging).</summary>
    public bool Mirror { get; }

    /// <summary>The weight files the networks in use read.</summary>
    public static IEnumerable<string> WeightFiles(bool resnet, bool ageGender, FaceFraming? framing)
    {
        if (resnet) yield return "face_recognition_model.bin";
        if (ageGender) yield return "age_gender_model.bin";
        if (framing is not null) yield return framing.WeightFile;
    }

    /// <summary>True when images are full photos whose largest SSD face is used; photos without one are errors.</summary>
    public bool DetectFaces => _framing?.Photos == true;

    /// <summary>
    /// The embeddings of in-memory images (no cache): [resnet, ageGender] per image, null where not in use;
    /// <paramref name="found"/>, when given, says per image whether the framing found a face (its slots are left as they
    /// are, null in a new array, without framing).
    /// </summary>
    public (float[]? ResNet, float[]? AgeGender)[] Embed(IReadOnlyList<Image> images, out int noFace, bool?[]? found = null)
    {
        int missing = 0;
        IReadOnlyList<Image?> frames = _framing is null ? images : _framing.Frame(images, found, out missing);
        noFace = missing;
        var present = Enumerable.Range(0, images.Count).Where(i => frames[i] is not null).ToArray();
        var inner = EmbedFramed([.. present.Select(i => frames[i]!)]);
        var all = new (float[]?, float[]?)[images.Count];
        for (int k = 0; k < present.Length; k++) all[present[k]] = inner[k];
        return all;
    }

    /// <summary>The embeddings of images taken as they are (no framing): face crops a detector already cut out.</summary>
    public (float[]? ResNet, float[]? AgeGender)[] EmbedCrops(IReadOnlyList<Image> crops) => EmbedFramed(crops);

    private (float[]? ResNet, float[]? AgeGender)[] EmbedFramed(IReadOnlyList<Image> framed)
    {
        if (!Mirror) return EmbedOnce(framed);
        var plain = EmbedOnce(framed);
        var mirrored = EmbedOnce([.. framed.Select(f => f.FlipHorizontal())]);
        for (int i = 0; i < plain.Length; i++) plain[i] = (Mean(plain[i].ResNet, mirrored[i].ResNet), Mean(plain[i].AgeGender, mirrored[i].AgeGender));
        return plain;
    }

    private static float[]? Mean(float[]? a, float[]? b)
    {
        if (a is null || b is null) return a;
        var m = new float[a.Length];
        for (int j = 0; j < m.Length; j++) m[j] = (a[j] + b[j]) / 2;
        return m;
    }

    private (float[]? ResNet, float[]? AgeGender)[] EmbedOnce(IReadOnlyList<Image> framed)
    {
        var images = framed;
        var result = new (float[]?, float[]?)[images.Count];
        var d = _resnet is null ? null : _resnetFeatures == FaceResNetFeatures.StageMeans ? _resnet.ComputeStageMeans(framed) : _resnet.ComputeDescriptors(framed);
        float[][]? ag = null;
        if (_ageGender is not null)
        {
            ag = new float[images.Count][];
            _ageGender.Run(framed, (i, e, f) =>
            {
                var v = new float[AgeGenderLength];
                f.CopyTo(v);
                v[AgeGenderNet.FeatureLength] = e.ProbabilityMale;
                v[AgeGenderNet.FeatureLength + 1] = e.Age;
                ag[i] = v;
            });
        }
        for (int i = 0; i < images.Count; i++) result[i] = (d?[i], ag?[i]);
        return result;
    }

    /// <summary>The cache key suffix for this preprocessing: the framing (<see cref="FaceFraming.Key"/>), mirror and distortion.</summary>
    public string PreprocessingKey(InputDistortion? distortion) => PreprocessingKey(_framing, Mirror, distortion);

    /// <summary>The cache key suffix of an embedder with <paramref name="framing"/>, <paramref name="mirror"/> and <paramref name="distortion"/>.</summary>
    public static string PreprocessingKey(FaceFraming? framing, bool mirror, InputDistortion? distortion) =>
        $"{framing?.Key ?? "whole"}{(mirror ? "-mirror" : "")}{distortion?.Key}";

    /// <summary>The name of the face ResNet's embedding cache for <paramref name="features"/> after the preprocessing <paramref name="pre"/>.</summary>
    public static string ResNetCacheKey(FaceResNetFeatures features, string pre) =>
        string.Create(CultureInfo.InvariantCulture, $"faceresnet{ResNetLength(features)}-{pre}");

    /// <summary>The name of the age/gender net's embedding cache after the preprocessing <paramref name="pre"/>.</summary>
    public static string AgeGenderCacheKey(string pre) => string.Create(CultureInfo.InvariantCulture, $"agegender{AgeGenderLength}-{pre}");

    /// <summary>
    /// The name of the embedding cache of the networks in use: the face ResNet's and the age/gender net's keys
    /// (<see cref="ResNetCacheKey"/>, <see cref="AgeGenderCacheKey"/>; null when not in use) joined by '+'; each file's
    /// values are the two embeddings in that order.
    /// </summary>
    public static string CacheKey(string? resnetKey, string? ageGenderKey) => string.Join('+', new[] { resnetKey, ageGenderKey }.OfType<string>());

    /// <summary>
    /// The embeddings of image files, from the feature cache when present; the rest are decoded (and distorted by
    /// <paramref name="distortion"/> when set), embedded in chunks and appended to the cache. Files that fail get null and a
    /// reason. <paramref name="computed"/> hears (done, to do) after every chunk of cache misses; <paramref name="warnings"/>
    /// hears what was wrong with the cache file (then recomputed).
    /// </summary>
    public (float[]? ResNet, float[]? AgeGender)[] EmbedFiles(IReadOnlyList<string> paths, string cacheFolder, InputDistortion? distortion,
        string?[] errors, out EmbeddingStats stats, CancellationToken cancellation = default, Action<int, int>? computed = null,
        Action<string>? warnings = null)
    {
        string pre = PreprocessingKey(distortion);
        int resnetLength = _resnet is null ? 0 : ResNetLength(_resnetFeatures), agLength = _ageGender is null ? 0 : AgeGenderLength;
        string key = CacheKey(_resnet is null ? null : ResNetCacheKey(_resnetFeatures, pre), _ageGender is null ? null : AgeGenderCacheKey(pre));
        using var cache = CachedFeatures.Open(cacheFolder, key, FeatureElement.Float32, resnetLength + agLength, warnings);
        int noFace = 0;
        var lookup = CachedFeatures.Fill(cache, paths, distortion, _threads, cancellation, computed, (images, values, failed) =>
        {
            var embedded = Embed(images, out int missing);
            noFace += missing;
            var floats = MemoryMarshal.Cast<byte, float>(values.AsSpan());
            for (int g = 0; g < images.Length; g++)
            {
                if (embedded[g].ResNet is null && embedded[g].AgeGender is null)
                {
                    failed[g] = "no face found";
                    continue;
                }
                embedded[g].ResNet?.CopyTo(floats.Slice(g * (resnetLength + agLength), resnetLength));
                embedded[g].AgeGender?.CopyTo(floats.Slice(g * (resnetLength + agLength) + resnetLength, agLength));
            }
        });
        var result = new (float[]? ResNet, float[]? AgeGender)[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            if (lookup.Offsets[i] < 0)
            {
                errors[i] ??= lookup.Errors[i];
                continue;
            }
            float[] v = cache.ReadSingles(lookup.Offsets[i]);
            result[i] = (resnetLength == 0 ? null : v[..resnetLength], agLength == 0 ? null : v[resnetLength..]);
        }
        stats = new EmbeddingStats(lookup.Reused, lookup.Computed, noFace);
        return result;
    }
}
