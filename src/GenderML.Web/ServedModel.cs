using System.Security.Cryptography;
using GenderML.FaceApi;

namespace GenderML.Web;

/// <summary>
/// A model loaded for serving: its name and version, what it is (<see cref="Info"/>), and the batching queue every
/// prediction of it goes through.
/// </summary>
public sealed class ServedModel
{
    private readonly Lazy<FacePhotoClassifier> _photos;
    private readonly AbstainBand? _abstain;

    internal ServedModel(string name, string version, string source, IGenderClassifier classifier, GenderMLWebOptions options, WebMetrics metrics)
    {
        Name = name;
        Source = source;
        Version = version;
        Classifier = classifier;
        _abstain = options.AbstainBand;
        // The detector loads on the first request that asks for every face, so start-up stays short. Faces the detector
        // cut out are classified as `genderml predict --detect-faces` does: the pretrained net as loaded by default (no
        // second re-framing of the cut face, no mirror averaging); other models as they are.
        _photos = new Lazy<FacePhotoClassifier>(() => FacePhotoClassifier.Load(
            source == ClassifierPresets.Pretrained ? PretrainedGenderClassifier.Load(options.FaceModelsFolder, options.Threads) : classifier,
            options.FaceModelsFolder, threads: options.Threads));
        Batcher = new PredictionBatcher(this, options, metrics);
    }

    /// <summary>The name clients ask for it by: <c>pretrained</c>, or the model file's name without <c>.zip</c>.</summary>
    public string Name { get; }

    /// <summary>The first 12 hex digits of the model file's SHA-256 (for <c>pretrained</c>: the face-api release).</summary>
    public string Version { get; }

    /// <summary>What the model is: kind, architecture, preprocessing, training summary and metrics at save time.</summary>
    public ClassifierInfo Info => Classifier.Info;

    /// <summary>True when the model takes full photos and so always looks for every face.</summary>
    public bool TakesPhotos => FacePhotoClassifier.TakesPhotos(Classifier);

    /// <summary>What it was loaded from: <c>pretrained</c> or the model file.</summary>
    internal string Source { get; }

    internal IGenderClassifier Classifier { get; }

    internal FacePhotoClassifier Photos => _photos.Value;

    internal PredictionBatcher Batcher { get; }

    internal static ServedModel Load(string model, GenderMLWebOptions options, WebMetrics metrics)
    {
        var classifier = LoadClassifier(model, options);
        return model == ClassifierPresets.Pretrained
            ? new ServedModel(model, "face-api-1.7.15", model, classifier, options, metrics)
            : new ServedModel(Path.GetFileNameWithoutExtension(model), FileVersion(model), model, classifier, options, metrics);
    }

    /// <summary>A fresh instance of the model at <paramref name="source"/> (<c>pretrained</c> or a model file).</summary>
    internal static IGenderClassifier LoadClassifier(string source, GenderMLWebOptions options) =>
        source == ClassifierPresets.Pretrained
            ? ClassifierPresets.LoadPretrained(options.FaceModelsFolder, options.Threads)
            : GenderClassifier.Load(source, options.Threads, options.FaceModelsFolder);

    private static string FileVersion(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }

    internal FacePredictionResult Result(DetectedFace? face, GenderPrediction p, int width, int height)
    {
        if (_abstain is { } band) p = band.Apply(p);
        var box = face is { } f ? new BoxResult(Round(f.X), Round(f.Y), Round(f.Width), Round(f.Height)) : new BoxResult(0, 0, width, height);
        double pMale = Math.Round((double)p.ProbabilityMale, 6);
        return new FacePredictionResult(box, face is { } d ? Math.Round(d.Score, 6) : null, pMale, p.Label, p.Abstained);
    }

    private static double Round(double v) => Math.Round(v, 2);
}
