using System.Globalization;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML;

/// <summary>
/// Face framing for pixel and CNN models: each image is cut to the largest face face-api's tiny detector finds, widened by
/// <see cref="Margin"/> of the box on every side, the search being the canonical framing's that <c>transfer</c> models use.
/// Unlike theirs, the box is never clipped to the image: where it reaches beyond (the detector's box is larger than a
/// tight face crop), the edge pixels are repeated, so a face takes the same share of the sample however it was framed. Set as
/// <see cref="PreprocessOptions.Framing"/>, training and prediction both see faces framed alike, so a model trained on tight
/// crops still reads a loosely framed face (whole head and background) or one off centre. Images without a detected face
/// are used as they are, and counted in <see cref="ImagesWithoutFace"/>.
/// </summary>
/// <remarks>The detector's weights (in GenderML.FaceApi.Models) are read on first use, not on construction.</remarks>
public sealed class FaceFraming : ImageFraming
{
    private const int Batch = 32;
    private readonly Lazy<CanonicalFraming> _framing;
    private int _withoutFace;

    /// <summary>A face framing with <paramref name="margin"/> (a fraction of the box, −0.3 to 1; below 0 cuts inside the box).</summary>
    /// <param name="margin">Widening of the detector's box on each side, as a fraction of its side.</param>
    /// <param name="modelsFolder">A folder of face-api weights to read instead of the packaged ones (null: those).</param>
    /// <param name="threads">Threads for the detector (0: every core).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is not in [−0.3, 1].</exception>
    public FaceFraming(double margin = DefaultMargin, string? modelsFolder = null, int threads = 0)
    {
        if (!(margin >= MinimumMargin && margin <= 1)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "the margin is a fraction of the face box, −0.3 to 1");
        Margin = margin;
        int t = threads > 0 ? threads : Environment.ProcessorCount;
        _framing = new Lazy<CanonicalFraming>(() => new CanonicalFraming(modelsFolder, margin, t));
    }

    /// <summary>The smallest margin: −0.3 keeps the central 40% of the box.</summary>
    public const double MinimumMargin = -0.3;

    /// <summary>
    /// The margin new models use: −0.1 (the box less 10% of its side on each side), close to the tight crops of the shared
    /// data. cnn3 scored 96.04% / 96.21% / 95.67% on its test split plain / reframed ×0.7 / ×0.5 with it, against 95.91% /
    /// 95.68% / 95.12% at +0.1 (docs/BENCHMARKS.md).
    /// </summary>
    public const double DefaultMargin = -0.1;

    /// <summary>Widening of the detector's box on each side, as a fraction of its side.</summary>
    public double Margin { get; }

    /// <summary>The tiny detector's input side.</summary>
    public int DetectorSize => CanonicalFraming.DefaultDetectorSize;

    /// <summary>How many images framed so far had no face found (they were used whole).</summary>
    public int ImagesWithoutFace => Volatile.Read(ref _withoutFace);

    /// <summary>
    /// A one-line note for the images framed since <see cref="ImagesWithoutFace"/> was <paramref name="before"/> that had no
    /// face, or null when every one had.
    /// </summary>
    public string? NoFaceNote(int before = 0)
    {
        int missed = ImagesWithoutFace - before;
        return missed > 0
            ? string.Create(CultureInfo.InvariantCulture, $"face framing: no face found in {missed} of the images framed in this run; they were used whole")
            : null;
    }

    /// <inheritdoc/>
    public override string Key => string.Create(CultureInfo.InvariantCulture, $"faces{Margin:0.###}-tiny{DetectorSize}-large");

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">A weights folder was given and lacks the detector's file.</exception>
    public override IReadOnlyList<Image> Frame(IReadOnlyList<Image> images) => Frame(images, null);

    /// <summary>As <see cref="Frame(IReadOnlyList{Image})"/>, marking in <paramref name="found"/> (when given) which images had a face.</summary>
    internal IReadOnlyList<Image> Frame(IReadOnlyList<Image> images, bool?[]? found)
    {
        ArgumentNullException.ThrowIfNull(images);
        var result = new Image[images.Count];
        for (int start = 0; start < images.Count; start += Batch)
        {
            int count = Math.Min(Batch, images.Count - start);
            var faces = _framing.Value.Locate([.. Enumerable.Range(start, count).Select(i => images[i])]);
            for (int k = 0; k < count; k++)
            {
                var image = images[start + k];
                if (found is not null) found[start + k] = faces[k] is not null;
                if (faces[k] is not { } face)
                {
                    Interlocked.Increment(ref _withoutFace);
                    result[start + k] = image;
                    continue;
                }
                // The whole box, even where it reaches beyond the image (a tight crop is smaller than the detector's box):
                // clipping it would enlarge the faces of tight crops against those of loose ones.
                var box = CanonicalFraming.Widen(face, Margin);
                result[start + k] = image.CropExtended((int)Math.Round(box.X), (int)Math.Round(box.Y),
                    Math.Max(1, (int)Math.Round(box.Width)), Math.Max(1, (int)Math.Round(box.Height)));
            }
        }
        return result;
    }
}
