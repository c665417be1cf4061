using GenderML.Core;
using GenderML.Imaging;

namespace GenderML.FaceApi;

/// <summary>
/// Finds faces in photos with face-api's detectors: SSD MobileNetV1 (default; the image is padded
/// bottom/right to a square, resized to 512, scored per anchor, NMS at IoU 0.5) or the tiny detector
/// (padded the same way to <see cref="FaceDetectorOptions.TinyInputSize"/>, NMS at IoU 0.4).
/// Boxes are in pixels of the original image, best score first. Calls are thread-safe and run one batch at a time.
/// </summary>
public sealed class FaceDetector
{
    private readonly FaceModelOptions _models;
    private readonly FaceDetectorOptions _options;
    private readonly SsdMobilenetV1? _ssd;
    private readonly TinyFaceDetectorNet? _tiny;
    private readonly Lock _gate = new();

    private FaceDetector(FaceModelOptions models, FaceDetectorOptions options)
    {
        _models = models;
        _options = options;
        if (options.Kind == FaceDetectorKind.Tiny)
            _tiny = new TinyFaceDetectorNet(TfjsWeights.Load(models.ModelsFolder, "tiny_face_detector_model"),
                models.Compute);
        else
            _ssd = new SsdMobilenetV1(TfjsWeights.Load(models.ModelsFolder, "ssd_mobilenetv1_model"), models.Compute);
    }

    /// <summary>The detector settings in use.</summary>
    public FaceDetectorOptions Options => _options;

    /// <summary>Loads the detector chosen by <paramref name="options"/> (SSD when null) from <paramref name="models"/>' folder (sha256-checked).</summary>
    /// <exception cref="FileNotFoundException">A weights folder was given and lacks a weight file.</exception>
    /// <exception cref="InvalidDataException">A weight file is altered.</exception>
    public static FaceDetector Load(FaceModelOptions models, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        models.Validate();
        options ??= new FaceDetectorOptions();
        options.Validate();
        return new FaceDetector(models, options);
    }

    /// <summary>Loads the detector from <paramref name="modelsFolder"/> with default model options.</summary>
    public static FaceDetector Load(string modelsFolder, FaceDetectorOptions? options = null)
        => Load(new FaceModelOptions(modelsFolder), options);

    /// <summary>The faces in one image.</summary>
    public IReadOnlyList<DetectedFace> Detect(Image image) => Detect([image])[0];

    /// <summary>The faces in each image.</summary>
    public IReadOnlyList<IReadOnlyList<DetectedFace>> Detect(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var result = new IReadOnlyList<DetectedFace>[images.Count];
        Run(images, (i, faces) => result[i] = faces);
        return result;
    }

    /// <summary>
    /// Cuts <paramref name="face"/>'s box out of <paramref name="image"/> as face-api's <c>extractFaceTensors</c>
    /// does: clipped to the image, then x, y, width and height each floored. Null when nothing is left.
    /// </summary>
    public static Image? Crop(Image image, DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(image);
        double x = Math.Max(face.X, 0), y = Math.Max(face.Y, 0);
        double w = Math.Min(face.X + face.Width - x, image.Width - x), h = Math.Min(face.Y + face.Height - y, image.Height - y);
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y), iw = (int)Math.Floor(w), ih = (int)Math.Floor(h);
        if (iw <= 0 || ih <= 0) return null;
        int c = image.Channels;
        var pixels = new byte[iw * ih * c];
        for (int r = 0; r < ih; r++)
            image.Pixels.AsSpan(((iy + r) * image.Width + ix) * c, iw * c).CopyTo(pixels.AsSpan(r * iw * c));
        return new Image(iw, ih, image.Format, pixels);
    }

    internal void Run(IReadOnlyList<Image> images, Action<int, List<DetectedFace>> report, Action<string, Tensor>? tap = null,
        Action<int, float[], float[]>? rawSsd = null)
    {
        lock (_gate) _models.ForEachBatch(images, (batch, start) =>
        {
            if (_ssd is not null)
            {
                Tensor x = FaceInput.ToBatch(batch, SsdMobilenetV1.InputSize, centred: false, InputNormalization.MinusOneToOneScale, _models.Threads);
                tap?.Invoke("normalized", x);
                var (encodings, logits) = _ssd.Forward(x, tap);
                for (int n = 0; n < batch.Count; n++)
                {
                    var enc = encodings.AsSpan(n * SsdMobilenetV1.AnchorCount * 4, SsdMobilenetV1.AnchorCount * 4);
                    var log = logits.AsSpan(n * SsdMobilenetV1.AnchorCount * 3, SsdMobilenetV1.AnchorCount * 3);
                    rawSsd?.Invoke(start + n, enc.ToArray(), log.ToArray());
                    float[] boxes = SsdPostProcessing.DecodeBoxes(enc, _ssd.Anchors);
                    float[] scores = SsdPostProcessing.Scores(log);
                    var selected = SsdPostProcessing.NonMaxSuppression(boxes, scores, _options.MaxResults, 0.5, _options.MinConfidence);
                    report(start + n, SsdPostProcessing.ToImage(boxes, scores, selected, batch[n].Width, batch[n].Height));
                }
            }
            else
            {
                int size = _options.TinyInputSize;
                Tensor x = FaceInput.ToBatch(batch, size, centred: false, InputNormalization.TinyYoloMeans, _models.Threads);
                tap?.Invoke("normalized", x);
                Tensor output = _tiny!.Forward(x, tap);
                for (int n = 0; n < batch.Count; n++)
                    report(start + n, TinyFaceDetectorNet.Detect(output, n, size, batch[n].Width, batch[n].Height, _options.MinConfidence));
            }
        });
    }
}
