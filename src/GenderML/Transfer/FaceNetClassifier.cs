using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Linear;

namespace GenderML.Transfer;

/// <summary>
/// A classifier on frozen face-api networks: either the shipped age/gender net's own P(male) (<see cref="Backbone"/> null,
/// kind <c>pretrained</c>) or a logistic head on standardised embeddings (kinds <c>transfer*</c>). It reads images,
/// not 50×50 cache samples: face-api's own padding and legacy bilinear resize run on the original image.
/// </summary>
internal sealed class FaceNetClassifier : TrainedClassifier, IPhotoModel
{
    private readonly Embedder _embedder;

    /// <summary>A model on face-api's networks; <see cref="Info"/> is <paramref name="info"/> with its preprocessing framed by <paramref name="framing"/>.</summary>
    public FaceNetClassifier(ClassifierInfo info, TransferBackbone? backbone, FaceFraming? framing, string? modelsFolder,
        IReadOnlyDictionary<string, string> backboneFiles, float[]? mean, float[]? std, LogisticModel? head, int threads, MlpHead? mlp = null,
        Trees.GradientBoostedTrees? trees = null, bool mirror = false, FaceResNetFeatures resnetFeatures = FaceResNetFeatures.Descriptor)
    {
        ResNetFeatures = resnetFeatures;
        Mirror = mirror;
        Mlp = mlp;
        Trees = trees;
        Info = info with { Preprocessing = info.Preprocessing with { Framing = framing } };
        Backbone = backbone;
        Framing = framing;
        ModelsFolder = modelsFolder;
        BackboneFiles = backboneFiles;
        Mean = mean;
        Std = std;
        Head = head;
        Threads = Math.Max(1, threads);
        _embedder = new Embedder(modelsFolder, UsesResNet(backbone) ? resnetFeatures : null, UsesAgeGender(backbone), framing, Threads, mirror);
    }

    public override ClassifierInfo Info { get; }

    /// <summary>Null for the shipped gender output.</summary>
    public TransferBackbone? Backbone { get; }

    /// <summary>The framing of every image before the networks (null: images taken whole).</summary>
    public FaceFraming? Framing { get; }

    /// <summary>What the model reads out of the face ResNet (when its backbone uses it).</summary>
    public FaceResNetFeatures ResNetFeatures { get; }

    /// <summary>True when predictions average the image and its mirror image (the embeddings, hence P(male) for <c>pretrained</c>).</summary>
    public bool Mirror { get; }

    /// <summary>Images are full photos: the largest SSD face is used; a photo without one gets P(male) NaN.</summary>
    public bool DetectFaces => Framing?.Photos == true;

    public string? ModelsFolder { get; }

    /// <summary>Weight file name → sha256 the model was built with.</summary>
    public IReadOnlyDictionary<string, string> BackboneFiles { get; }

    public float[]? Mean { get; }

    public float[]? Std { get; }

    public LogisticModel? Head { get; }

    /// <summary>The MLP head, when the model has one instead of <see cref="Head"/>.</summary>
    public MlpHead? Mlp { get; }

    /// <summary>The boosted-trees head, when the model has one instead of <see cref="Head"/>.</summary>
    public Trees.GradientBoostedTrees? Trees { get; }

    public int Threads { get; }



    /// <summary>face-api's preprocessing for the network a backbone feeds (null: the age/gender net): centred zero padding to a square, RGB.</summary>
    public static PreprocessOptions Preprocessing(TransferBackbone? b) => new()
    {
        Size = b == TransferBackbone.FaceResNet || b == TransferBackbone.Fusion ? 150 : 112, Format = PixelFormat.Rgb24, Mode = ResizeMode.Pad,
    };

    public static bool UsesResNet(TransferBackbone? b) => b is TransferBackbone.FaceResNet or TransferBackbone.Fusion;

    public static bool UsesAgeGender(TransferBackbone? b) => b is null or TransferBackbone.Xception or TransferBackbone.Fusion;

    public static int FeatureLength(TransferBackbone b, FaceResNetFeatures r) => b switch
    {
        TransferBackbone.FaceResNet => Embedder.ResNetLength(r),
        TransferBackbone.Xception => AgeGenderNet.FeatureLength,
        _ => Embedder.ResNetLength(r) + AgeGenderNet.FeatureLength + 1,
    };

    /// <summary>The head's raw features from an embedding pair (fusion appends the shipped gender logit).</summary>
    public static float[] Features(TransferBackbone b, FaceResNetFeatures r, (float[]? ResNet, float[]? AgeGender) e)
    {
        if (b == TransferBackbone.FaceResNet) return e.ResNet!;
        if (b == TransferBackbone.Xception) return e.AgeGender![..AgeGenderNet.FeatureLength];
        var f = new float[FeatureLength(b, r)];
        e.ResNet!.CopyTo(f, 0);
        e.AgeGender.AsSpan(0, AgeGenderNet.FeatureLength).CopyTo(f.AsSpan(Embedder.ResNetLength(r)));
        double p = Math.Clamp(e.AgeGender![AgeGenderNet.FeatureLength], 1e-6, 1 - 1e-6);
        f[^1] = (float)Math.Log(p / (1 - p));
        return f;
    }

    /// <summary>P(male) of one embedding pair.</summary>
    public float Probability((float[]? ResNet, float[]? AgeGender) e)
    {
        if (e.ResNet is null && e.AgeGender is null) return float.NaN;
        if (Backbone is not { } b) return e.AgeGender![AgeGenderNet.FeatureLength];
        float[] x = Features(b, ResNetFeatures, e);
        var z = new float[x.Length];
        for (int j = 0; j < x.Length; j++) z[j] = (x[j] - Mean![j]) / Std![j];
        if (Trees is { } trees) return trees.PredictProbability(z);
        return Mlp is { } mlp ? (float)mlp.Probability(z) : (float)Head!.PredictProbability(z);
    }


    /// <exception cref="NoFaceException">The model takes full photos (<see cref="DetectFaces"/>) and one of them has no face.</exception>
    public override IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return [.. PredictionsWithAge(images).Select(r => r.Prediction)];
    }

    /// <summary>P(male) and estimated age of each image (age from the age/gender net; NaN when the model does not run it).</summary>
    /// <exception cref="NoFaceException">The model takes full photos (<see cref="DetectFaces"/>) and one of them has no face.</exception>
    public (float ProbabilityMale, float Age)[] PredictWithAge(IReadOnlyList<Image> images) =>
        [.. PredictionsWithAge(images).Select(r => (r.Prediction.ProbabilityMale, r.Age))];

    /// <summary>As <see cref="PredictWithAge(IReadOnlyList{Image})"/>, as predictions (<see cref="GenderPrediction.FaceFound"/> set where the model frames).</summary>
    public (GenderPrediction Prediction, float Age)[] PredictionsWithAge(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var found = new bool?[images.Count];
        var embedded = EmbedWithFaces(images, found);
        return [.. embedded.Select((e, i) => (Prediction(Probability(e)) with { FaceFound = found[i] },
            e.AgeGender is { } a ? a[AgeGenderNet.FeatureLength + 1] : float.NaN))];
    }

    /// <summary>
    /// P(male) of face crops already cut out of photos by a detector (<see cref="FacePhotoClassifier"/>): a photo model
    /// (<see cref="DetectFaces"/>) does not search them for a face again; the others frame them as usual.
    /// </summary>
    public IReadOnlyList<GenderPrediction> PredictFaceCrops(IReadOnlyList<Image> crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        if (!DetectFaces) return Predict(crops);
        return [.. _embedder.EmbedCrops(crops).Select(e => Prediction(Probability(e)))];
    }

    private (float[]? ResNet, float[]? AgeGender)[] EmbedWithFaces(IReadOnlyList<Image> images, bool?[]? found = null)
    {
        var embedded = _embedder.Embed(images, out _, found);
        for (int i = 0; i < embedded.Length; i++)
            if (embedded[i].ResNet is null && embedded[i].AgeGender is null)
                throw new NoFaceException(i, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"image {i} ({images[i].Width}×{images[i].Height}): no face found; this {Info.Kind} model takes full photos (trained with DetectFaces) and has nothing to classify here; FacePhotoClassifier reports such photos with an empty face list"));
        return embedded;
    }

    /// <summary>P(male) of image files through the embedding cache; unreadable files get NaN and a reason in <paramref name="errors"/>.</summary>
    public float[] ProbabilitiesOfFiles(IReadOnlyList<string> paths, string cacheFolder, InputDistortion? distortion, string?[] errors,
        out EmbeddingStats stats, CancellationToken cancellation = default)
    {
        var embedded = _embedder.EmbedFiles(paths, cacheFolder, distortion, errors, out stats, cancellation);
        var p = new float[paths.Count];
        for (int i = 0; i < p.Length; i++) p[i] = errors[i] is null ? Probability(embedded[i]) : float.NaN;
        return p;
    }

    /// <summary>Raw P(male) of a dataset's files through the embedding cache.</summary>
    public override DatasetScores ScoreUncalibrated(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation)
    {
        var items = dataset.Items;
        var errors = new string?[items.Count];
        float[] p = ProbabilitiesOfFiles([.. items.Select(i => i.Path)], options.CacheFolder ?? PixelCacheOptions.DefaultFolder(), InputDistortion.Of(options),
            errors, out var stats, cancellation);
        return DatasetScores.Kept(items, p, errors, [stats.Note("embeddings", Framing is not null)]);
    }

    public override void Save(string path) => Models.ModelStore.Save(path, this);

    public override FaceNetClassifier WithInfo(ClassifierInfo info) =>
        new(info, Backbone, Framing, ModelsFolder, BackboneFiles, Mean, Std, Head, Threads, Mlp, Trees, Mirror, ResNetFeatures);
}
