using System.Globalization;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Training;
using Microsoft.ML;

namespace GenderML.MLNet;

/// <summary>
/// An ML.NET binary trainer behind <see cref="IGenderClassifier"/>: GenderML computes <see cref="Features"/> for every
/// training image, the trainer (any <c>mlContext.BinaryClassification.Trainers</c> estimator, optionally after
/// normalisers) is fitted on them through <see cref="Trainer"/>.<c>Fit</c>, and the model saves as a GenderML
/// <c>.zip</c> of kind <c>mlnet</c> (<see cref="MLNetModels"/>). The trainer reads the columns <c>Label</c> (bool,
/// true = male) and <c>Features</c>. <see cref="Classifiers.ClassifierRecipe.Preprocessing"/> makes the pixels; face
/// embeddings are made as <see cref="GenderMLCatalog.FaceEmbedding"/> makes them by default.
/// </summary>
/// <param name="Features">What the trainer learns from.</param>
/// <param name="Estimator">Makes the trainer from the ML.NET context the recipe trains in (seeded from the training options).</param>
/// <param name="Name">What the trainer is, for the model's description (e.g. <c>LbfgsLogisticRegression</c>).</param>
public sealed record MLNetRecipe(MLNetFeatures Features, Func<MLContext, IEstimator<ITransformer>> Estimator, string Name) : ExtensionRecipe
{
    /// <inheritdoc/>
    public override string Kind => MLNetModels.Kind.Name;

    /// <inheritdoc/>
    protected override TrainingResult Fit(Dataset train, Dataset? validation, TrainingOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        // Face embeddings: the transfer preset's preprocessing (its framing) and mirror averaging, as FaceEmbedding's defaults.
        var embedding = new FaceEmbeddingOptions();
        var preprocessing = Features == MLNetFeatures.FaceEmbedding
            ? ClassifierPresets.Create("transfer").Preprocessing with { Framing = embedding.Framing }
            : Preprocessing;
        var featurizer = new Featurizer(Features, preprocessing, Features == MLNetFeatures.FaceEmbedding && embedding.Mirror, threads);
        var skipped = new List<SkippedFile>(train.Skipped);
        var rows = new List<FeatureRow>(train.Items.Count);
        var items = train.Items;
        const int Chunk = 256;
        var pass = TrainingProgress.EmbeddingPass(progress);
        for (int start = 0; start < items.Count; start += Chunk)
        {
            pass?.Invoke(start, items.Count);
            cancellation.ThrowIfCancellationRequested();
            var chunk = items.Skip(start).Take(Chunk).ToArray();
            var images = new Image?[chunk.Length];
            Parallel.For(0, chunk.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                try { images[i] = Image.Load(chunk[i].Path); }
                catch (ImageLoadException e) { lock (skipped) skipped.Add(new SkippedFile(chunk[i].Path, SkipKind.Corrupt, e.Message)); }
            });
            var kept = Enumerable.Range(0, chunk.Length).Where(i => images[i] is not null).ToArray();
            var features = featurizer.Compute([.. kept.Select(i => images[i]!)]);
            for (int k = 0; k < kept.Length; k++)
                rows.Add(new FeatureRow { Label = chunk[kept[k]].Label == 1, Features = features[k] });
        }
        pass?.Invoke(items.Count, items.Count);
        if (rows.Count == 0 || rows.All(r => r.Label) || rows.All(r => !r.Label))
            throw new ArgumentException($"{train.Root}: MLNetRecipe needs images of both classes; {rows.Count} usable", nameof(train));
        var ml = new MLContext(seed: options.Seed);
        var data = ml.Data.LoadFromEnumerable(rows, featurizer.Schema());
        var model = Estimator(ml).Fit(data);
        using var bytes = new MemoryStream();
        ml.Model.Save(model, data.Schema, bytes);
        var info = new ClassifierInfo
        {
            Kind = Kind,
            Architecture = string.Create(CultureInfo.InvariantCulture,
                $"ML.NET {Name} on {(Features == MLNetFeatures.Pixels ? $"{preprocessing.Key} pixels / 255" : "the face ResNet's stage means (FaceEmbedding)")}"),
            Preprocessing = preprocessing,
            Training = new TrainingSummary(1, 1, 0, rows.Count, validation?.Items.Count ?? 0, options.Seed, "", $"trainer={Name}"),
        };
        var classifier = new MLNetClassifier(info, Features, featurizer.Mirror, bytes.ToArray(), threads);
        EvaluationReport? report = validation is { Items.Count: > 0 } ? Evaluator.Evaluate(classifier, validation, cancellation: cancellation) : null;
        if (report is not null)
        {
            classifier = new MLNetClassifier(info with
            {
                Metrics = new Dictionary<string, double> { ["n"] = report.N, ["accuracy"] = report.Accuracy, ["auc"] = report.RocAuc, ["logLoss"] = report.LogLoss },
            }, Features, featurizer.Mirror, classifier.Model, threads);
        }
        return new TrainingResult(classifier, report, skipped);
    }
}
