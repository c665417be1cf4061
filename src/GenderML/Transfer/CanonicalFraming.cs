using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// Canonical face framing: the tiny face detector (input side <see cref="DetectorSize"/>, 224 by default) finds the
/// largest face; the image is re-cropped to that box widened by <see cref="Margin"/> of its side on every side (clipped
/// to the image). Images where no face is found are used whole, and counted.
/// </summary>
/// <remarks>
/// At 160 px (the first version, kept for models saved with it) the 5×5 grid places boxes coarsely: the box found on a
/// face shrunk to 70 % inside the same frame was 1.33× the (mapped) box of the original image (median IoU 0.61, 1,941 test
/// crops); at 224 px 1.06× (IoU 0.85) — see docs/BENCHMARKS-framing.md.
/// </remarks>
/// <remarks>
/// With <c>photos</c> set (<c>--detect-faces</c>: full photos), the SSD detector at face-api's defaults is used instead and
/// images without a face get null, for the caller to report.
/// </remarks>
internal sealed class CanonicalFraming(string modelsFolder, double margin, int threads, bool photos = false, int detectorSize = CanonicalFraming.DefaultDetectorSize)
{
    /// <summary>The tiny detector's input side for new models.</summary>
    public const int DefaultDetectorSize = 224;

    /// <summary>The input side of models saved before the size was recorded.</summary>
    public const int LegacyDetectorSize = 160;

    private readonly FaceDetector _detector = FaceDetector.Load(FaceModelsFolder.Options(modelsFolder, threads), photos
        ? new FaceDetectorOptions()
        : new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny, TinyInputSize = detectorSize, MinConfidence = 0.3 });

    public double Margin => margin;

    /// <summary>The tiny detector's input side (crops; photos use the SSD detector).</summary>
    public int DetectorSize => detectorSize;

    public bool Photos => photos;

    /// <summary>Each image's face crop; without a face: the whole image (crops) or null (photos), counted in <paramref name="noFace"/>.</summary>
    public IReadOnlyList<Image?> Frame(IReadOnlyList<Image> images, ref int noFace)
    {
        // A face filling a tight crop is larger than the detectors' anchors: crops are first centred on a canvas of
        // twice their size (zeros), and the boxes shifted back. Photos are searched as they are.
        var padded = photos ? images : [.. images.Select(Pad)];
        var faces = _detector.Detect(padded);
        var result = new Image?[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            double dx = photos ? 0 : images[i].Width / 2, dy = photos ? 0 : images[i].Height / 2; // integer halves, as in Pad
            Image? crop = faces[i].Count == 0 ? null : Crop(images[i], Largest(faces[i]) with { X = Largest(faces[i]).X - dx, Y = Largest(faces[i]).Y - dy }, margin);
            if (crop is null) noFace++;
            result[i] = crop ?? (photos ? null : images[i]);
        }
        return result;
    }

    private static Image Pad(Image image)
    {
        int w = image.Width, h = image.Height, c = image.Channels;
        var canvas = new Image(2 * w, 2 * h, image.Format);
        for (int y = 0; y < h; y++)
            image.Pixels.AsSpan(y * w * c, w * c).CopyTo(canvas.Pixels.AsSpan(((y + h / 2) * 2 * w + w / 2) * c, w * c));
        return canvas;
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
