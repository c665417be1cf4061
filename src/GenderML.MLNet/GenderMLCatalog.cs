using GenderML.FaceApi;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace GenderML.MLNet;

/// <summary>
/// GenderML's transforms on ML.NET's <c>mlContext.Transforms</c>. Each reads an image column — an MLImage
/// (<c>LoadImages</c>), the bytes of a JPEG or PNG (<c>LoadRawImageBytes</c>) or a text path — maps rows lazily as a
/// cursor reaches them, and saves with <c>mlContext.Model.Save</c>, its settings (and PredictGender's model) inside the
/// ML.NET model; the face-api weights come from the GenderML.FaceApi.Models package.
/// </summary>
public static class GenderMLCatalog
{
    /// <summary>
    /// Finds the faces in each image with face-api's detector: a variable vector of five floats per face (x, y, width,
    /// height in pixels, score), best first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">(On fit or schema check) the input column holds no image.</exception>
    public static GenderMLEstimator DetectFaces(this TransformsCatalog catalog, string outputColumnName = "Faces",
        string inputColumnName = "Image", FaceDetectorOptions? options = null) =>
        new(catalog, nameof(DetectFaces), inputColumnName, FaceRunner.DetectState(options ?? new FaceDetectorOptions()),
            input => DetectFacesFactory<PathRow>.Fitted(catalog, input), Shape<DetectedFacesRow>(catalog),
            (DetectedFacesRow.Column, outputColumnName));

    /// <summary>
    /// Cuts each image to its largest face as the face-api models see it (<see cref="FaceFraming.Canonical"/>; the whole
    /// image where none is found): an MLImage column.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The crop column.</param>
    /// <param name="inputColumnName">The image column.</param>
    /// <param name="framing">A canonical framing; null: <see cref="FaceEmbeddingOptions.Framing"/>'s default.</param>
    /// <exception cref="ArgumentException"><paramref name="framing"/> is a framing for full photos.</exception>
    public static GenderMLEstimator CropFaces(this TransformsCatalog catalog, string outputColumnName = "Face",
        string inputColumnName = "Image", FaceFraming? framing = null)
    {
        framing ??= new FaceEmbeddingOptions().Framing!;
        if (framing.Photos) throw new ArgumentException("CropFaces takes a canonical framing (FaceFraming.Canonical), not full photos", nameof(framing));
        return new(catalog, nameof(CropFaces), inputColumnName, FaceRunner.CropState(framing),
            input => CropFacesFactory<PathRow>.Fitted(catalog, input), Shape<FaceCropRow>(catalog), (FaceCropRow.Column, outputColumnName));
    }

    /// <summary>
    /// The frozen face ResNet as a featurizer: a vector of <see cref="FaceEmbeddingOptions.Length"/> floats per image (the
    /// features of the <c>transfer</c> preset by default), for any ML.NET trainer to learn from.
    /// </summary>
    /// <exception cref="ArgumentException">The options frame full photos.</exception>
    public static GenderMLEstimator FaceEmbedding(this TransformsCatalog catalog, string outputColumnName = "Features",
        string inputColumnName = "Image", FaceEmbeddingOptions? options = null) =>
        new(catalog, nameof(FaceEmbedding), inputColumnName, FaceEmbeddingRunner.State(options ?? new FaceEmbeddingOptions()),
            input => FaceEmbeddingFactory<PathRow>.Fitted(catalog, input), Shape<FaceEmbeddingRow>(catalog),
            (FaceEmbeddingRow.Column, outputColumnName));

    /// <summary>
    /// Scores each image with a saved GenderML model: <c>PredictedLabel</c> (true = male), <c>Score</c> (the logit) and
    /// <c>Probability</c> (P(male)), as ML.NET's binary trainers name them. The model file travels inside the ML.NET model.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="Models.ModelFormatException">The file is not a GenderML model; the message names it and the problem.</exception>
    public static GenderMLEstimator PredictGender(this TransformsCatalog catalog, string modelPath, string inputColumnName = "Image") =>
        new(catalog, nameof(PredictGender), inputColumnName, PredictGenderRunner.State(modelPath),
            input => PredictGenderFactory<PathRow>.Fitted(catalog, input), Shape<GenderScoreRow>(catalog),
            ("PredictedLabel", "PredictedLabel"), ("Score", "Score"), ("Probability", "Probability"));

    /// <summary>A mapping that reads no column and adds <typeparamref name="TOut"/>'s: the outputs' schema shape.</summary>
    private static IEstimator<ITransformer> Shape<TOut>(TransformsCatalog catalog) where TOut : class, new()
    {
        ImageInputs.RegisterImageType();
        return catalog.CustomMapping<NoColumns, TOut>((_, _) => { }, contractName: null);
    }
}
