using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Imaging;
using GenderML.Transfer;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace GenderML.MLNet;

/// <summary>The output of <see cref="GenderMLCatalog.FaceEmbedding"/>: the face ResNet's stage means of one image.</summary>
internal sealed class FaceEmbeddingRow
{
    internal const string Column = "GenderML.Embedding";

    /// <summary>The embedding.</summary>
    [ColumnName(Column)]
    [VectorType(FaceEmbeddingOptions.Length)]
    public float[] Embedding { get; set; } = new float[FaceEmbeddingOptions.Length];
}

/// <summary>The frozen face ResNet of one <see cref="FaceEmbeddingOptions"/>, shared by the rows (one image at a time).</summary>
internal sealed class FaceEmbeddingRunner
{
    private readonly Embedder _embedder;
    private readonly Lock _lock = new();

    private FaceEmbeddingRunner(JsonElement s)
    {
        int threads = s.GetProperty("threads").GetInt32();
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        var framing = s.GetProperty("framing").ValueKind == JsonValueKind.Null ? null : FaceFraming.Canonical(
            s.GetProperty("framing").GetProperty("margin").GetDouble(), s.GetProperty("framing").GetProperty("detectorSize").GetInt32(),
            threads: threads);
        _embedder = new Embedder(null, FaceResNetFeatures.StageMeans, ageGender: false, framing, threads, s.GetProperty("mirror").GetBoolean());
    }

    public static byte[] State(FaceEmbeddingOptions o)
    {
        if (o.Framing is { Photos: true })
            throw new ArgumentException("FaceEmbeddingOptions.Framing: take a canonical framing (FaceFraming.Canonical) or null, not full photos");
        var settings = new JsonObject
        {
            ["framing"] = o.Framing is { } f ? new JsonObject { ["margin"] = f.Margin, ["detectorSize"] = f.DetectorSize } : null,
            ["mirror"] = o.Mirror,
            ["threads"] = o.Threads,
        };
        return TransformState.Create("FaceEmbedding", settings);
    }

    public static void Map(ImageRow row, FaceEmbeddingRow output)
    {
        var runner = TransformState.Get(row.State, (s, _) => new FaceEmbeddingRunner(s));
        var image = row.Read(null);
        lock (runner._lock)
        {
            var embedding = runner._embedder.Embed([image], out _)[0].ResNet
                ?? throw new InvalidDataException($"{row.Describe()}: no face found");
            output.Embedding = embedding;
        }
    }
}

/// <summary>The mapping of <see cref="GenderMLCatalog.FaceEmbedding"/> for one kind of image column.</summary>
/// <typeparam name="TRow">The row type of that kind of column.</typeparam>
internal abstract class FaceEmbeddingFactory<TRow> : CustomMappingFactory<TRow, FaceEmbeddingRow>
    where TRow : ImageRow, new()
{
    private protected FaceEmbeddingFactory()
    {
    }

    /// <inheritdoc/>
    public override Action<TRow, FaceEmbeddingRow> GetMapping()
    {
        ImageInputs.RegisterImageType();
        return FaceEmbeddingRunner.Map;
    }

    internal static Microsoft.ML.ITransformer Fitted(Microsoft.ML.TransformsCatalog catalog, ImageInput input) => input switch
    {
        ImageInput.MLImage => GenderMLEstimator.Mapping(catalog, new FaceEmbeddingFromMLImage(), FaceEmbeddingFromMLImage.Contract),
        ImageInput.Bytes => GenderMLEstimator.Mapping(catalog, new FaceEmbeddingFromBytes(), FaceEmbeddingFromBytes.Contract),
        _ => GenderMLEstimator.Mapping(catalog, new FaceEmbeddingFromPath(), FaceEmbeddingFromPath.Contract),
    };
}

/// <summary><see cref="GenderMLCatalog.FaceEmbedding"/> of an MLImage column.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class FaceEmbeddingFromMLImage : FaceEmbeddingFactory<MLImageRow>
{
    internal const string Contract = "GenderML.FaceEmbedding.MLImage";
}

/// <summary><see cref="GenderMLCatalog.FaceEmbedding"/> of a column of encoded image bytes.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class FaceEmbeddingFromBytes : FaceEmbeddingFactory<BytesRow>
{
    internal const string Contract = "GenderML.FaceEmbedding.Bytes";
}

/// <summary><see cref="GenderMLCatalog.FaceEmbedding"/> of a column of image paths.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class FaceEmbeddingFromPath : FaceEmbeddingFactory<PathRow>
{
    internal const string Contract = "GenderML.FaceEmbedding.Path";
}
