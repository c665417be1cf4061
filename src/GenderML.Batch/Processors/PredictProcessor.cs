using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML.Batch.Processors;

/// <summary>
/// <see cref="BatchKind.Predict"/>: the same classifier and decoding as <c>genderml predict</c>, so P(male) is the one
/// <c>predict --json</c> prints — the image as one face, or with <see cref="BatchOptions.DetectFaces"/> (always for a
/// model that takes photos) every face the SSD detector finds.
/// </summary>
internal sealed class PredictProcessor : BatchProcessor
{
    private readonly IGenderClassifier _classifier;
    private readonly FacePhotoClassifier? _photos;

    private PredictProcessor(IGenderClassifier classifier, FacePhotoClassifier? photos, string model, string hash)
        : base(model, hash)
    {
        _classifier = classifier;
        _photos = photos;
    }

    public static PredictProcessor Load(BatchOptions options, int threads)
    {
        string path = options.Model ?? throw new ArgumentException("a predict job needs a model (a model file or pretrained)", nameof(options));
        IGenderClassifier classifier;
        string hash;
        if (path == ClassifierPresets.Pretrained)
        {
            // As `predict`: the shipped net on face images re-cropped with the face-api margin and mirror-averaged; on
            // photos, each detected face as the detector cut it.
            var pretrained = options.DetectFaces
                ? PretrainedGenderClassifier.Load(options.FaceModelsFolder, threads)
                : ClassifierPresets.LoadPretrained(options.FaceModelsFolder, threads);
            classifier = pretrained;
            var inner = pretrained.Inner;
            hash = HashText(string.Join('\n', inner.BackboneFiles.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))
                + $"\nmargin={TransferTrainer.Margin(inner.Framing)};mirror={inner.Mirror}");
        }
        else
        {
            classifier = GenderClassifier.Load(path, threads, options.FaceModelsFolder);
            hash = HashFile(path);
        }
        var photos = options.DetectFaces || FacePhotoClassifier.TakesPhotos(classifier)
            ? FacePhotoClassifier.Load(classifier, options.FaceModelsFolder, null, threads) : null;
        return new PredictProcessor(classifier, photos, path == ClassifierPresets.Pretrained ? path : Path.GetFileName(path), hash);
    }

    public override void Process(IReadOnlyList<BatchRow> rows, IReadOnlyList<string> files, int threads)
    {
        if (_photos is { } photos)
        {
            var (good, images) = Decode(rows, files, threads, f => Image.Load(f));
            for (int k = 0; k < good.Length; k++)
                rows[good[k]].Faces = [.. photos.Classify(images[k]).Select(f => new BatchFace
                {
                    X = f.Face.X, Y = f.Face.Y, Width = f.Face.Width, Height = f.Face.Height, Score = f.Face.Score,
                    ProbabilityMale = f.Prediction.ProbabilityMale, Label = f.Prediction.Label,
                })];
            return;
        }
        var (rowsOk, faces) = Decode(rows, files, threads, f => GenderClassifier.LoadImage(_classifier, f));
        if (faces.Length == 0) return;
        var predictions = _classifier.Predict(faces);
        for (int k = 0; k < rowsOk.Length; k++)
        {
            var row = rows[rowsOk[k]];
            row.Label = predictions[k].Label;
            row.ProbabilityMale = predictions[k].ProbabilityMale;
            row.FaceFound = predictions[k].FaceFound;
        }
    }
}
