using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// Canonical face framing: the tiny face detector (at 160 px, ample for face crops) finds the largest face; the image
/// is re-cropped to that box widened by <see cref="Margin"/> of its side on every side (clipped to the image). Images
/// where no face is found are used whole, and counted.
/// </summary>
/// <remarks>
/// With <c>photos</c> set (<c>--detect-faces</c>: full photos), the SSD detector at face-api's defaults is used instead and
/// images without a face get null, for the caller to report.
/// </remarks>
internal sealed class CanonicalFraming(string modelsFolder, double margin, int threads, bool photos = false)
{
    private readonly FaceDetector _detector = FaceDetector.Load(FaceModelsFolder.Options(modelsFolder, threads), photos
        ? new FaceDetectorOptions()
        : new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny, TinyInputSize = 160, MinConfidence = 0.3 });

    public double Margin => margin;

    public bool Photos => photos;

    /// <summary>Each image's face crop; without a face: the whole image (crops) or null (photos), counted in <paramref name="noFace"/>.</summary>
    public IReadOnlyList<Image?> Frame(IReadOnlyList<Image> images, ref int noFace)
    {
        var faces = _detector.Detect(images);
        var result = new Image?[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            Image? crop = faces[i].Count == 0 ? null : Crop(images[i], Largest(faces[i]), margin);
            if (crop is null) noFace++;
            result[i] = crop ?? (photos ? null : images[i]);
        }
        return result;
    }

    /// <summary>The face with the largest box area.</summary>
    public static DetectedFace Largest(IReadOnlyList<DetectedFace> faces) => faces.MaxBy(f => f.Width * f.Height);

    /// <summary>The box widened by <paramref name="margin"/> of its side on each side, cut out of the image (clipped).</summary>
    public static Image? Crop(Image image, DetectedFace face, double margin)
    {
        double mx = face.Width * margin, my = face.Height * margin;
        return FaceDetector.Crop(image, face with { X = face.X - mx, Y = face.Y - my, Width = face.Width + 2 * mx, Height = face.Height + 2 * my });
    }
}
