using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace GenderML.MLNet;

/// <summary>
/// The output of <see cref="GenderMLCatalog.DetectFaces"/>: five numbers per face found, largest score first — x, y,
/// width, height (pixels of the image) and the detector's score.
/// </summary>
internal sealed class DetectedFacesRow
{
    internal const string Column = "GenderML.Faces";

    /// <summary>The faces, five numbers each.</summary>
    [ColumnName(Column)]
    public float[] Faces { get; set; } = [];
}

/// <summary>The mapping of <see cref="GenderMLCatalog.DetectFaces"/> for one kind of image column.</summary>
/// <typeparam name="TRow">The row type of that kind of column.</typeparam>
internal abstract class DetectFacesFactory<TRow> : CustomMappingFactory<TRow, DetectedFacesRow>
    where TRow : ImageRow, new()
{
    private protected DetectFacesFactory()
    {
    }

    /// <inheritdoc/>
    public override Action<TRow, DetectedFacesRow> GetMapping()
    {
        ImageInputs.RegisterImageType();
        return FaceRunner.Detect;
    }

    internal static Microsoft.ML.ITransformer Fitted(Microsoft.ML.TransformsCatalog catalog, ImageInput input) => input switch
    {
        ImageInput.MLImage => GenderMLEstimator.Mapping(catalog, new DetectFacesFromMLImage(), DetectFacesFromMLImage.Contract),
        ImageInput.Bytes => GenderMLEstimator.Mapping(catalog, new DetectFacesFromBytes(), DetectFacesFromBytes.Contract),
        _ => GenderMLEstimator.Mapping(catalog, new DetectFacesFromPath(), DetectFacesFromPath.Contract),
    };
}

/// <summary><see cref="GenderMLCatalog.DetectFaces"/> of an MLImage column.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class DetectFacesFromMLImage : DetectFacesFactory<MLImageRow>
{
    internal const string Contract = "GenderML.DetectFaces.MLImage";
}

/// <summary><see cref="GenderMLCatalog.DetectFaces"/> of a column of encoded image bytes.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class DetectFacesFromBytes : DetectFacesFactory<BytesRow>
{
    internal const string Contract = "GenderML.DetectFaces.Bytes";
}

/// <summary><see cref="GenderMLCatalog.DetectFaces"/> of a column of image paths.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class DetectFacesFromPath : DetectFacesFactory<PathRow>
{
    internal const string Contract = "GenderML.DetectFaces.Path";
}
