using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// A transfer model whose last face-ResNet stage was fine-tuned (kind <c>transfer</c>): images → optional canonical framing →
/// the frozen prefix (face-api weights, checked by sha256) → the fine-tuned stage and head of <see cref="Network"/>.
/// It reads images, not pixel-cache samples.
/// </summary>
internal sealed class FineTunedClassifier : TrainedClassifier
{
    private readonly Lazy<PrefixRunner> _runner;

    /// <summary>A fine-tuned model; <see cref="Info"/> is <paramref name="info"/> with its preprocessing framed by <paramref name="framing"/>.</summary>
    public FineTunedClassifier(ClassifierInfo info, FaceFraming? framing, string? modelsFolder, IReadOnlyDictionary<string, string> backboneFiles,
        FineTuneNetwork network, int threads)
    {
        Info = info with { Preprocessing = info.Preprocessing with { Framing = framing } };
        Framing = framing;
        ModelsFolder = modelsFolder;
        BackboneFiles = backboneFiles;
        Network = network;
        Threads = Math.Max(1, threads);
        Network.SetCompute(Threads);
        _runner = new Lazy<PrefixRunner>(() => new PrefixRunner(modelsFolder, FaceApi.TfjsWeights.Load(modelsFolder, "face_recognition_model"), framing, Threads));
    }

    public override ClassifierInfo Info { get; }

    /// <summary>The framing of every image before the networks (null: images taken whole).</summary>
    public FaceFraming? Framing { get; }

    public string? ModelsFolder { get; }

    /// <summary>Weight file name → sha256 the model was built with.</summary>
    public IReadOnlyDictionary<string, string> BackboneFiles { get; }

    public FineTuneNetwork Network { get; }

    public int Threads { get; }




    public override IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) return [];
        lock (Network)
        {
            var found = new bool?[images.Count];
            var (plain, mirrored) = _runner.Value.Run(images, Network.FlipTest, out _, found);
            return [.. Network.Probabilities(plain, mirrored).Select((p, i) => Prediction(p) with { FaceFound = found[i] })];
        }
    }

    /// <summary>P(male) of image files through the prefix cache; unreadable files get NaN and a reason in <paramref name="errors"/>.</summary>
    public float[] ProbabilitiesOfFiles(IReadOnlyList<string> paths, string cacheFolder, InputDistortion? distortion, string?[] errors,
        out EmbeddingStats stats, CancellationToken cancellation = default)
    {
        lock (Network)
        {
            var (plain, mirrored) = _runner.Value.RunFiles(paths, cacheFolder, distortion, Network.FlipTest, errors, out stats, cancellation);
            var ok = Enumerable.Range(0, paths.Count).Where(i => errors[i] is null).ToArray();
            var p = Network.Probabilities([.. ok.Select(i => plain[i]!)], mirrored is null ? null : [.. ok.Select(i => mirrored[i]!)]);
            var result = new float[paths.Count];
            Array.Fill(result, float.NaN);
            for (int k = 0; k < ok.Length; k++) result[ok[k]] = p[k];
            return result;
        }
    }

    /// <summary>Raw P(male) of a dataset's files through the prefix cache.</summary>
    public override DatasetScores ScoreUncalibrated(Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation)
    {
        var items = dataset.Items;
        var errors = new string?[items.Count];
        float[] p = ProbabilitiesOfFiles([.. items.Select(i => i.Path)], options.CacheFolder ?? PixelCacheOptions.DefaultFolder(), InputDistortion.Of(options),
            errors, out var stats, cancellation);
        return DatasetScores.Kept(items, p, errors, [stats.Note("prefixes", Framing is not null)]);
    }

    public override void Save(string path) => Models.ModelStore.Save(path, this);

    public override FineTunedClassifier WithInfo(ClassifierInfo info) => new(info, Framing, ModelsFolder, BackboneFiles, Network, Threads);
}
