using System.Globalization;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// The face search behind <see cref="FaceFraming"/>: the tiny face detector (input side <see cref="DetectorSize"/>)
/// finds the largest face, searched on the image centred in a canvas of twice its size (a tight crop's face is larger
/// than the detector's anchors), then, where that found nothing, on the image as it is (a loosely framed face is small on
/// the canvas), and last, for images more than twice the detector's input side that still had none, at up to
/// <see cref="LargestSearchSide"/> px (a face in a photo shrinks below the detector's smallest anchors when the whole
/// photo is brought down to the detector's side). <see cref="Frame"/> cuts the box widened by the margin, clipped to the
/// image. Measurements of these choices: docs/BENCHMARKS-framing.md.
/// </summary>
/// <remarks>
/// With <c>photos</c> set (full photos), the SSD detector at face-api's defaults is used instead and images without a
/// face get null, for the caller to report.
/// </remarks>
internal sealed class CanonicalFraming(string? modelsFolder, double margin, int threads, bool photos = false,
    int detectorSize = FaceFraming.DefaultDetectorSize)
{
    /// <summary>The largest input side of the last search, for large images where the others found no face.</summary>
    public const int LargestSearchSide = 1024;

    // The last search's detectors, by input side (a few sizes: see LargeSearchSide).
    private readonly Dictionary<int, FaceDetector> _large = [];

    private readonly FaceDetector _detector = FaceDetector.Load(FaceModelsFolder.Options(modelsFolder, threads), photos
        ? new FaceDetectorOptions()
        : new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny, TinyInputSize = detectorSize, MinConfidence = 0.3 });

    public double Margin => margin;

    /// <summary>The tiny detector's input side (crops; photos use the SSD detector).</summary>
    public int DetectorSize => detectorSize;

    public bool Photos => photos;

    /// <summary>
    /// Each image's face crop; without a face: the whole image (crops) or null (photos), counted in <paramref name="noFace"/>
    /// and, when given, marked false in <paramref name="found"/> (one slot per image; true where a face was found).
    /// </summary>
    public IReadOnlyList<Image?> Frame(IReadOnlyList<Image> images, ref int noFace, bool?[]? found = null)
    {
        var faces = Locate(images);
        var result = new Image?[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            Image? crop = faces[i] is { } face ? Crop(images[i], face, margin) : null;
            if (crop is null) noFace++;
            if (found is not null) found[i] = crop is not null;
            result[i] = crop ?? (photos ? null : images[i]);
        }
        return result;
    }

    /// <summary>The largest face the search finds in each image, in that image's pixels (the box may reach beyond it), or null.</summary>
    public DetectedFace?[] Locate(IReadOnlyList<Image> images)
    {
        // A face filling a tight crop is larger than the detectors' anchors: crops are first centred on a canvas of
        // twice their size (zeros), and the boxes shifted back. Photos are searched as they are.
        var padded = photos ? images : [.. images.Select(Pad)];
        var faces = _detector.Detect(padded).ToArray();
        bool[] shifted = [.. Enumerable.Repeat(!photos, images.Count)];
        if (!photos)
        {
            // A loosely framed face (whole head and background) is small on that canvas, often below the detector's
            // smallest anchors: where nothing was found, search the image as it is.
            int[] missed = [.. Enumerable.Range(0, images.Count).Where(i => faces[i].Count == 0)];
            var again = missed.Length == 0 ? [] : _detector.Detect([.. missed.Select(i => images[i])]);
            for (int k = 0; k < missed.Length; k++) (faces[missed[k]], shifted[missed[k]]) = (again[k], false);
            // A face in a large photo is small once the photo is brought down to the detector's input: where there is
            // still nothing, search large images once more at (about) their own size.
            var large = Enumerable.Range(0, images.Count)
                .Where(i => faces[i].Count == 0 && Math.Max(images[i].Width, images[i].Height) > 2 * detectorSize)
                .GroupBy(i => LargeSearchSide(images[i]));
            foreach (var group in large)
            {
                int[] indices = [.. group];
                var found = LargeDetector(group.Key).Detect([.. indices.Select(i => images[i])]);
                for (int k = 0; k < indices.Length; k++) faces[indices[k]] = found[k];
            }
        }
        var result = new DetectedFace?[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            if (faces[i].Count == 0) continue;
            double dx = shifted[i] ? images[i].Width / 2 : 0, dy = shifted[i] ? images[i].Height / 2 : 0; // integer halves, as in Pad
            var largest = Largest(faces[i]);
            result[i] = largest with { X = largest.X - dx, Y = largest.Y - dy };
        }
        return result;
    }

    /// <summary>The last search's input side for a large image: its larger side rounded up to a multiple of 192 px from 448 (448, 640, 832), at most <see cref="LargestSearchSide"/>.</summary>
    internal static int LargeSearchSide(Image image) =>
        Math.Min(LargestSearchSide, 448 + 192 * Math.Max(0, (Math.Max(image.Width, image.Height) - 448 + 191) / 192));

    private FaceDetector LargeDetector(int side)
    {
        lock (_large)
        {
            if (!_large.TryGetValue(side, out var detector))
                _large[side] = detector = FaceDetector.Load(FaceModelsFolder.Options(modelsFolder, threads),
                    new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny, TinyInputSize = side, MinConfidence = 0.3 });
            return detector;
        }
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
    public static Image? Crop(Image image, DetectedFace face, double margin) => FaceDetector.Crop(image, Widen(face, margin));

    /// <summary>The box widened by <paramref name="margin"/> of its side on each side (narrowed where the margin is negative).</summary>
    public static DetectedFace Widen(DetectedFace face, double margin)
    {
        double mx = face.Width * margin, my = face.Height * margin;
        return face with { X = face.X - mx, Y = face.Y - my, Width = face.Width + 2 * mx, Height = face.Height + 2 * my };
    }
}
