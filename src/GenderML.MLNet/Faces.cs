using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.FaceApi;
using GenderML.Imaging;
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

/// <summary>The output of <see cref="GenderMLCatalog.CropFaces"/>: the canonical crop of the image's largest face.</summary>
internal sealed class FaceCropRow
{
    internal const string Column = "GenderML.Crop";

    /// <summary>The crop (the whole image where no face is found), as RGBA.</summary>
    [ColumnName(Column)]
    public MLImage? Crop { get; set; }
}

/// <summary>The detector or the framing of one DetectFaces or CropFaces transform, shared by its rows.</summary>
internal sealed class FaceRunner
{
    private readonly FaceDetector? _detector;
    private readonly FaceFraming? _framing;
    private readonly Lock _lock = new();

    private FaceRunner(JsonElement s)
    {
        if (s.GetProperty("transform").GetString() == "DetectFaces")
        {
            var options = new FaceDetectorOptions
            {
                Kind = Enum.Parse<FaceDetectorKind>(s.GetProperty("kind").GetString()!),
                MinConfidence = s.GetProperty("minConfidence").GetDouble(),
                MaxResults = s.GetProperty("maxResults").GetInt32(),
                TinyInputSize = s.GetProperty("tinyInputSize").GetInt32(),
            };
            _detector = FaceDetector.Load(new FaceModelOptions(), options);
        }
        else
        {
            _framing = FaceFraming.Canonical(s.GetProperty("margin").GetDouble(), s.GetProperty("detectorSize").GetInt32());
        }
    }

    public static byte[] DetectState(FaceDetectorOptions o) => TransformState.Create("DetectFaces", new JsonObject
    {
        ["kind"] = o.Kind.ToString(), ["minConfidence"] = o.MinConfidence, ["maxResults"] = o.MaxResults, ["tinyInputSize"] = o.TinyInputSize,
    });

    public static byte[] CropState(FaceFraming framing) => TransformState.Create("CropFaces", new JsonObject
    {
        ["margin"] = framing.Margin, ["detectorSize"] = framing.DetectorSize,
    });

    public static void Detect(ImageRow row, DetectedFacesRow output)
    {
        var runner = TransformState.Get(row.State, (s, _) => new FaceRunner(s));
        var image = row.Read(null);
        IReadOnlyList<DetectedFace> faces;
        lock (runner._lock) faces = runner._detector!.Detect(image);
        output.Faces = [.. faces.SelectMany(f => new[] { (float)f.X, (float)f.Y, (float)f.Width, (float)f.Height, (float)f.Score })];
    }

    public static void Crop(ImageRow row, FaceCropRow output)
    {
        var runner = TransformState.Get(row.State, (s, _) => new FaceRunner(s));
        var image = row.Read(null);
        Image crop;
        lock (runner._lock) crop = runner._framing!.Frame([image])[0];
        var rgba = new byte[crop.Width * crop.Height * 4];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += crop.Channels)
        {
            rgba[i] = crop.Pixels[j];
            rgba[i + 1] = crop.Pixels[crop.Channels == 3 ? j + 1 : j];
            rgba[i + 2] = crop.Pixels[crop.Channels == 3 ? j + 2 : j];
            rgba[i + 3] = 255;
        }
        output.Crop = MLImage.CreateFromPixels(crop.Width, crop.Height, MLPixelFormat.Rgba32, rgba);
    }
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
