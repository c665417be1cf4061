using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace GenderML.MLNet;

/// <summary>The output of <see cref="GenderMLCatalog.CropFaces"/>: the canonical crop of the image's largest face.</summary>
internal sealed class FaceCropRow
{
    internal const string Column = "GenderML.Crop";

    /// <summary>The crop (the whole image where no face is found), as RGBA.</summary>
    [ColumnName(Column)]
    public MLImage? Crop { get; set; }
}

/// <summary>The mapping of <see cref="GenderMLCatalog.CropFaces"/> for one kind of image column.</summary>
/// <typeparam name="TRow">The row type of that kind of column.</typeparam>
internal abstract class CropFacesFactory<TRow> : CustomMappingFactory<TRow, FaceCropRow>
    where TRow : ImageRow, new()
{
    private protected CropFacesFactory()
    {
    }

    /// <inheritdoc/>
    public override Action<TRow, FaceCropRow> GetMapping()
    {
        ImageInputs.RegisterImageType();
        return FaceRunner.Crop;
    }

    internal static Microsoft.ML.ITransformer Fitted(Microsoft.ML.TransformsCatalog catalog, ImageInput input) => input switch
    {
        ImageInput.MLImage => GenderMLEstimator.Mapping(catalog, new CropFacesFromMLImage(), CropFacesFromMLImage.Contract),
        ImageInput.Bytes => GenderMLEstimator.Mapping(catalog, new CropFacesFromBytes(), CropFacesFromBytes.Contract),
        _ => GenderMLEstimator.Mapping(catalog, new CropFacesFromPath(), CropFacesFromPath.Contract),
    };
}

/// <summary><see cref="GenderMLCatalog.CropFaces"/> of an MLImage column.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class CropFacesFromMLImage : CropFacesFactory<MLImageRow>
{
    internal const string Contract = "GenderML.CropFaces.MLImage";
}

/// <summary><see cref="GenderMLCatalog.CropFaces"/> of a column of encoded image bytes.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class CropFacesFromBytes : CropFacesFactory<BytesRow>
{
    internal const string Contract = "GenderML.CropFaces.Bytes";
}

/// <summary><see cref="GenderMLCatalog.CropFaces"/> of a column of image paths.</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class CropFacesFromPath : CropFacesFactory<PathRow>
{
    internal const string Contract = "GenderML.CropFaces.Path";
}
