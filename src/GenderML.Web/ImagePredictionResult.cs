namespace GenderML.Web;

/// <summary>What a served model says of one image: its faces, best detector score first.</summary>
/// <param name="FaceFound">
/// False when no face was found: with face detection, the image has no face (and <paramref name="Faces"/> is empty);
/// for a crop, the model found none to frame and classified the whole image.
/// </param>
/// <param name="Faces">The faces with their predictions.</param>
/// <param name="Width">The image's width in pixels.</param>
/// <param name="Height">The image's height in pixels.</param>
public sealed record ImagePredictionResult(bool FaceFound, IReadOnlyList<FacePredictionResult> Faces, int Width, int Height);
