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

    public Featurizer(MLNetFeatures features, Data.PreprocessOptions pixels, int threads)
    {
        (_features, _pixels) = (features, pixels);
        if (features == MLNetFeatures.FaceEmbedding)
        {
            var o = new FaceEmbeddingOptions();
            _embedder = new Embedder(null, FaceResNetFeatures.StageMeans, ageGender: false,
                o.Framing?.With(null, threads), threads, o.Mirror);
        }
    }

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
