using System.Globalization;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML;

/// <summary>
/// The framing stage of every model: each image is cut to the largest face face-api's tiny detector (input side
/// <see cref="DetectorSize"/>) finds, widened by <see cref="Margin"/> of the box on every side, with
/// <see cref="Edge"/> deciding what happens where the box reaches beyond the image. Images without a detected face are
/// used as they are, and counted in <see cref="ImagesWithoutFace"/>. Set as <see cref="PreprocessOptions.Framing"/>,
/// training, evaluation and prediction all see faces framed alike; the settings are saved with the model.
/// </summary>
/// <remarks>
/// Two presets: the pixel and CNN models' framing, <c>new FaceFraming()</c> (margin <see cref="DefaultMargin"/>,
/// detector 224, <see cref="FramingEdge.Extend"/>), and the face-api models' canonical crop,
/// <see cref="Canonical"/> (margin 0, <see cref="FramingEdge.Clip"/>). How the detector searches is described in
/// docs/BENCHMARKS-framing.md. The detector's weights (in GenderML.FaceApi.Models, or a folder given) are read on
/// first use, not on construction.
/// </remarks>
public sealed class FaceFraming : ImageFraming
{
    private const int Batch = 32;
    private readonly Lazy<CanonicalFraming> _search;
    private int _withoutFace;

    /// <summary>
    /// The pixel models' face framing: <paramref name="margin"/>, a detector at 224 px, <see
    /// cref="FramingEdge.Extend"/>.
    /// </summary>
    /// <param name="margin">Widening of the detector's box on each side, as a fraction of its side (−0.3 to 1; below 0
    /// cuts inside the box).</param>
    /// <param name="modelsFolder">A folder of face-api weights to read instead of the packaged ones (null: those).</param>
    /// <param name="threads">Threads for the detector (0: every core).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is not in [−0.3, 1].</exception>
    public FaceFraming(double margin = DefaultMargin, string? modelsFolder = null, int threads = 0)
        : this(margin, DefaultDetectorSize, FramingEdge.Extend, modelsFolder, threads)
    {
    }

    /// <summary>A face framing with every setting given.</summary>
    /// <param name="margin">Widening of the detector's box on each side, as a fraction of its side (−0.3 to 1).</param>
    /// <param name="detectorSize">The tiny detector's input side, a multiple of 32 from 32 to 1024.</param>
    /// <param name="edge">What happens where the widened box reaches beyond the image.</param>
    /// <param name="modelsFolder">The face-api weights (null: the packaged ones).</param>
    /// <param name="threads">Threads for the detector (0: every core).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public FaceFraming(double margin, int detectorSize, FramingEdge edge, string? modelsFolder = null, int threads = 0)
        : this(margin, detectorSize, edge, photos: false, modelsFolder, threads)
    {
    }

    private FaceFraming(double margin, int detectorSize, FramingEdge edge, bool photos, string? modelsFolder,
        int threads)
    {
        if (!(margin >= MinimumMargin && margin <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin,
                "FaceFraming.Margin is a fraction of the face box, −0.3 to 1");
        }
        if (detectorSize is < 32 or > 1024 || detectorSize % 32 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(detectorSize), detectorSize,
                "FaceFraming.DetectorSize is a multiple of 32 from 32 to 1024");
        }
        if (!Enum.IsDefined(edge))
            throw new ArgumentOutOfRangeException(nameof(edge), edge, "FaceFraming.Edge is Extend or Clip");
        Margin = margin;
        DetectorSize = detectorSize;
        Edge = edge;
        Photos = photos;
        ModelsFolder = modelsFolder;
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        string? folder = ModelsFolder;
        int t = Threads;
        _search = new Lazy<CanonicalFraming>(() => new CanonicalFraming(folder, margin, t, photos, detectorSize));
    }

    /// <summary>
    /// The face-api models' canonical crop: <paramref name="margin"/> (0: the detector's box), the box clipped to the
    /// image
    /// (<see cref="FramingEdge.Clip"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public static FaceFraming Canonical(double margin = 0, int detectorSize = DefaultDetectorSize,
        string? modelsFolder = null, int threads = 0) =>
        new(margin, detectorSize, FramingEdge.Clip, modelsFolder, threads);

    /// <summary>
    /// Full photos: the largest face face-api's SSD detector finds, widened by <paramref name="margin"/> and clipped;
    /// photos without one are left out (a transfer model's framing).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is not in [−0.3, 1].</exception>
    public static FaceFraming ForPhotos(double margin = 0, string? modelsFolder = null, int threads = 0) =>
        new(margin, DefaultDetectorSize, FramingEdge.Clip, photos: true, modelsFolder, threads);

    /// <summary>The smallest margin: −0.3 keeps the central 40% of the box.</summary>
    public const double MinimumMargin = -0.3;

    /// <summary>The margin of the pixel models' framing: −0.1, the box less 10% of its side on each side.</summary>
    public const double DefaultMargin = -0.1;

    /// <summary>The tiny detector's input side of new models: 224.</summary>
    public const int DefaultDetectorSize = 224;

    /// <summary>
    /// The detector side of face-api models saved before it was recorded, and of the <c>transfer</c> preset: 160.
    /// </summary>
    public const int LegacyDetectorSize = 160;

    /// <summary>Widening of the detector's box on each side, as a fraction of its side.</summary>
    public double Margin { get; }

    /// <summary>The tiny detector's input side.</summary>
    public int DetectorSize { get; }

    /// <summary>What happens where the widened box reaches beyond the image.</summary>
    public FramingEdge Edge { get; }

    /// <summary>
    /// Full photos searched with the SSD detector: an image without a face has no frame (<see
    /// cref="Frame(IReadOnlyList{Image}, bool?[], out int)"/> gives null).
    /// </summary>
    internal bool Photos { get; }

    /// <summary>The face-api weights folder given (null: the packaged weights).</summary>
    internal string? ModelsFolder { get; }

    /// <summary>Threads for the detector.</summary>
    internal int Threads { get; }

    /// <summary>How many images framed so far had no face found (they were used whole).</summary>
    public int ImagesWithoutFace => Volatile.Read(ref _withoutFace);

    /// <summary>
    /// A one-line note for the images framed since <see cref="ImagesWithoutFace"/> was <paramref name="before"/> that
    /// had no
    /// face, or null when every one had.
    /// </summary>
    public string? NoFaceNote(int before = 0)
    {
        int missed = ImagesWithoutFace - before;
        return missed > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"face framing: no face found in {missed} of the images framed in this run; they were used whole")
            : null;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <c>faces{margin}-tiny{size}-large</c> for <see cref="FramingEdge.Extend"/>; <c>canon{margin}</c>, then
    /// <c>-tiny{size}</c> unless 160, then <c>-retry-large</c> for <see cref="FramingEdge.Clip"/>; <c>photo{margin}</c>
    /// for photos. Disk caches of pixels and network outputs are keyed by it.
    /// </remarks>
    public override string Key => Photos
        ? string.Create(CultureInfo.InvariantCulture, $"photo{Margin:0.###}")
        : Edge == FramingEdge.Clip
            ? string.Create(CultureInfo.InvariantCulture,
                $"canon{Margin:0.###}{(DetectorSize == LegacyDetectorSize ? "" : $"-tiny{DetectorSize}")}-retry-large")
            : string.Create(CultureInfo.InvariantCulture, $"faces{Margin:0.###}-tiny{DetectorSize}-large");

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">The detector's weight file is missing (the message says how to fetch
    /// it).</exception>
    public override IReadOnlyList<Image> Frame(IReadOnlyList<Image> images) =>
        [.. Frame(images, null, out _).Select((f, i) => f ?? images[i])];

    /// <summary>
    /// Each image's frame; where no face is found the image itself (a photo: null), counted in <paramref
    /// name="noFace"/> and
    /// marked false in <paramref name="found"/> when given (true where a face was found).
    /// </summary>
    internal IReadOnlyList<Image?> Frame(IReadOnlyList<Image> images, bool?[]? found, out int noFace)
    {
        ArgumentNullException.ThrowIfNull(images);
        noFace = 0;
        if (Edge == FramingEdge.Clip || Photos)
        {
            var framed = _search.Value.Frame(images, ref noFace, found);
            Interlocked.Add(ref _withoutFace, noFace);
            return framed;
        }
        var result = new Image[images.Count];
        for (int start = 0; start < images.Count; start += Batch)
        {
            int count = Math.Min(Batch, images.Count - start);
            var faces = _search.Value.Locate([.. Enumerable.Range(start, count).Select(i => images[i])]);
            for (int k = 0; k < count; k++)
            {
                var image = images[start + k];
                if (found is not null) found[start + k] = faces[k] is not null;
                if (faces[k] is not { } face)
                {
                    noFace++;
                    Interlocked.Increment(ref _withoutFace);
                    result[start + k] = image;
                    continue;
                }
                // The whole box, even where it reaches beyond the image (a tight crop is smaller than the detector's
                // box): clipping it would enlarge the faces of tight crops against those of loose ones.
                result[start + k] = Extended(image, face);
            }
        }
        return result;
    }

    /// <summary>
    /// The face box widened by <see cref="Margin"/> and cut out as <see cref="Edge"/> says (null when a clipped box
    /// holds no pixel).
    /// </summary>
    internal Image? Crop(Image image, FaceApi.DetectedFace face)
    {
        return Edge == FramingEdge.Clip ? CanonicalFraming.Crop(image, face, Margin) : Extended(image, face);
    }

    private Image Extended(Image image, FaceApi.DetectedFace face)
    {
        var box = CanonicalFraming.Widen(face, Margin);
        return image.CropExtended((int)Math.Round(box.X), (int)Math.Round(box.Y),
            Math.Max(1, (int)Math.Round(box.Width)), Math.Max(1, (int)Math.Round(box.Height)));
    }

    /// <summary>The weight file the detector reads.</summary>
    internal string WeightFile => Photos ? "ssd_mobilenetv1_model.bin" : "tiny_face_detector_model.bin";

    /// <summary>The same settings with another weights folder and thread count.</summary>
    internal FaceFraming With(string? modelsFolder, int threads) =>
        new(Margin, DetectorSize, Edge, Photos, modelsFolder, threads);
}
