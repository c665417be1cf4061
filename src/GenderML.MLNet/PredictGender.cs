using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Imaging;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace GenderML.MLNet;

/// <summary>
/// The output of <see cref="GenderMLCatalog.PredictGender"/>, named as ML.NET's binary trainers name theirs (positive
/// class: male), so <c>BinaryClassification.Evaluate</c> reads it.
/// </summary>
internal sealed class GenderScoreRow
{
    /// <summary>True when the model predicts male.</summary>
    public bool PredictedLabel { get; set; }

    /// <summary>The logit of <see cref="Probability"/>: ln(p / (1 − p)).</summary>
    public float Score { get; set; }

    /// <summary>P(male).</summary>
    public float Probability { get; set; }
}

/// <summary>A GenderML model, loaded once from the bytes of its <c>.zip</c> (the transform's payload).</summary>
internal sealed class PredictGenderRunner
{
    private readonly IGenderClassifier _classifier;
    private readonly ImageLoadOptions? _decode;
    private readonly Lock _lock = new();

    private PredictGenderRunner(byte[] model)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"genderml-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, model);
        try { _classifier = GenderClassifier.Load(path, kinds: [MLNetModels.Kind]); }
        finally { File.Delete(path); }
        _decode = _classifier is PixelClassifier ? Data.Preprocessor.DecodeOptions(_classifier.Info.Preprocessing) : null;
    }

    /// <summary>The state of a transform scoring with the model file at <paramref name="modelPath"/>, checked by loading it.</summary>
    /// <exception cref="Models.ModelFormatException">The file is not a GenderML model.</exception>
    public static byte[] State(string modelPath)
    {
        var classifier = GenderClassifier.Load(modelPath, threads: 1, kinds: [MLNetModels.Kind]);
        return TransformState.Create("PredictGender", new JsonObject { ["kind"] = classifier.Info.Kind }, File.ReadAllBytes(modelPath));
    }

    public static void Map(ImageRow row, GenderScoreRow output)
    {
        var runner = TransformState.Get(row.State, (_, payload) => new PredictGenderRunner(payload));
        var image = row.Read(runner._decode);
        float p;
        lock (runner._lock) p = runner._classifier.Predict(image).ProbabilityMale;
        output.Probability = p;
        output.PredictedLabel = p >= 0.5f;
        output.Score = (float)Math.Log(Math.Max(p, 1e-7) / Math.Max(1 - p, 1e-7));
    }
}

/// <summary>The mapping of <see cref="GenderMLCatalog.PredictGender"/> for one kind of image column.</summary>
/// <typeparam name="TRow">The row type of that kind of column.</typeparam>
internal abstract class PredictGenderFactory<TRow> : CustomMappingFactory<TRow, GenderScoreRow>
    where TRow : ImageRow, new()
{
    private protected PredictGenderFactory()
    {
    }

    /// <inheritdoc/>
    public override Action<TRow, GenderScoreRow> GetMapping()
    {
        ImageInputs.RegisterImageType();
        return PredictGenderRunner.Map;
    }

    internal static Microsoft.ML.ITransformer Fitted(Microsoft.ML.TransformsCatalog catalog, ImageInput input) => input switch
    {
        ImageInput.MLImage => GenderMLEstimator.Mapping(catalog, new PredictGenderFromMLImage(), PredictGenderFromMLImage.Contract),
        ImageInput.Bytes => GenderMLEstimator.Mapping(catalog, new PredictGenderFromBytes(), PredictGenderFromBytes.Contract),
        _ => GenderMLEstimator.Mapping(catalog, new PredictGenderFromPath(), PredictGenderFromPath.Contract),
    };
}

/// <summary><see cref="GenderMLCatalog.PredictGender"/> of an MLImage column.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class PredictGenderFromMLImage : PredictGenderFactory<MLImageRow>
{
    internal const string Contract = "GenderML.PredictGender.MLImage";
}

/// <summary><see cref="GenderMLCatalog.PredictGender"/> of a column of encoded image bytes.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class PredictGenderFromBytes : PredictGenderFactory<BytesRow>
{
    internal const string Contract = "GenderML.PredictGender.Bytes";
}

/// <summary><see cref="GenderMLCatalog.PredictGender"/> of a column of image paths.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class PredictGenderFromPath : PredictGenderFactory<PathRow>
{
    internal const string Contract = "GenderML.PredictGender.Path";
}
