using GenderML.Classifiers;
using GenderML.Imaging;
using GenderML.Transfer;
using Microsoft.ML.Data;

namespace GenderML.MLNet;

/// <summary>A labelled feature vector as an <see cref="MLNetRecipe"/>'s trainer reads it (positive class: male).</summary>
internal sealed class FeatureRow
{
    public bool Label { get; set; }

    public float[] Features { get; set; } = [];
}

/// <summary>What an ML.NET model of an <see cref="MLNetClassifier"/> gives for one row.</summary>
internal sealed class ScoreRow
{
    public float Score { get; set; }
}

/// <summary>Images → the features of an <see cref="MLNetFeatures"/> choice, computed in GenderML.</summary>
internal sealed class Featurizer
{
    private readonly MLNetFeatures _features;
    private readonly Data.PreprocessOptions _pixels;
    private readonly Embedder? _embedder;

    /// <summary>
    /// The features of <paramref name="features"/>: pixels as <paramref name="preprocessing"/> makes them, or face
    /// embeddings after its framing (a <see cref="FaceFraming"/> or none), mirror-averaged when <paramref name="mirror"/>.
    /// </summary>
    public Featurizer(MLNetFeatures features, Data.PreprocessOptions preprocessing, bool mirror, int threads)
    {
        (_features, _pixels, Mirror) = (features, preprocessing, mirror);
        if (features == MLNetFeatures.FaceEmbedding)
        {
            var framing = preprocessing.Framing switch
            {
                null => null,
                FaceFraming f => f.With(null, threads),
                var other => throw new ArgumentException($"a face embedding takes a FaceFraming or none, not {other.GetType().Name}"),
            };
            _embedder = new Embedder(null, FaceResNetFeatures.StageMeans, ageGender: false, framing, threads, mirror);
        }
    }

    /// <summary>Whether face embeddings are averaged with the mirror image's.</summary>
    public bool Mirror { get; }

    public int Length => _features == MLNetFeatures.FaceEmbedding ? FaceEmbeddingOptions.Length : _pixels.BytesPerImage;

    public float[][] Compute(IReadOnlyList<Image> images)
    {
        if (_embedder is not null) return [.. _embedder.Embed(images, out _).Select(e => e.ResNet!)];
        int d = _pixels.BytesPerImage;
        var bytes = ImageSample.WriteAll(images, _pixels);
        var result = new float[images.Count][];
        for (int i = 0; i < result.Length; i++)
        {
            var f = result[i] = new float[d];
            for (int j = 0; j < d; j++) f[j] = bytes[i * d + j] / 255f;
        }
        return result;
    }

    /// <summary>The schema of <see cref="FeatureRow"/> with its feature vector's length.</summary>
    public SchemaDefinition Schema()
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Length);
        return schema;
    }
}
