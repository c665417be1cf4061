using System.Text.Json.Nodes;
using GenderML.Imaging;
using Microsoft.ML;

namespace GenderML.MLNet;

/// <summary>
/// A model an <see cref="MLNetRecipe"/> trained: GenderML computes the features, the ML.NET model scores them, P(male) =
/// σ(Score) for uncalibrated trainers or the calibrated Probability column where the model has one.
/// </summary>
internal sealed class MLNetClassifier : IGenderClassifier
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly Featurizer _featurizer;
    private readonly PredictionEngine<FeatureRow, ScoreRow> _engine;
    private readonly Func<FeatureRow, float>? _probability;

    public MLNetClassifier(ClassifierInfo info, MLNetFeatures features, bool mirror, byte[] model, int threads)
    {
        Info = info;
        Features = features;
        Model = model;
        _featurizer = new Featurizer(features, info.Preprocessing, mirror, threads);
        using var stream = new MemoryStream(model, writable: false);
        var transformer = _ml.Model.Load(stream, out _);
        var schema = _featurizer.Schema();
        _engine = _ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(transformer, inputSchemaDefinition: schema);
        var output = transformer.GetOutputSchema(_ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), schema).Schema);
        if (output.GetColumnOrNull("Probability") is not null)
        {
            var probability = _ml.Model.CreatePredictionEngine<FeatureRow, ProbabilityRow>(transformer, inputSchemaDefinition: schema);
            _probability = row => probability.Predict(row).Probability;
        }
    }

    public ClassifierInfo Info { get; }

    public MLNetFeatures Features { get; }

    /// <summary>Whether face embeddings are averaged with the mirror image's.</summary>
    public bool Mirror => _featurizer.Mirror;

    /// <summary>The ML.NET model (<c>mlContext.Model.Save</c>'s bytes).</summary>
    public byte[] Model { get; }

    public GenderPrediction Predict(Image image) => Predict([image])[0];

    public IReadOnlyList<GenderPrediction> Predict(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return [.. _featurizer.Compute(images).Select(f => GenderPrediction.FromProbability(Probability(new FeatureRow { Features = f })))];
    }

    private float Probability(FeatureRow row) =>
        _probability?.Invoke(row) ?? 1f / (1f + MathF.Exp(-_engine.Predict(row).Score));

    public void Save(string path) => MLNetModels.Kind.Save(path, this);

    private sealed class ProbabilityRow
    {
        public float Probability { get; set; }
    }
}
