using System.Globalization;
using System.Text.Json;
using GenderML.Imaging;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml predict --model MODEL.zip IMAGE... [--json]</c>: one line per image (path, label, P(label)); with
/// <c>--json</c> one object per line <c>{"path": ..., "label": ..., "pMale": ...}</c>. An unreadable image is
/// reported on standard error and makes the exit code 2; the others are still predicted. With <c>--detect-faces</c>, and
/// always for a model trained on full photos, every face of each photo instead (<see cref="PredictFaces"/>).
/// </summary>
internal static class PredictCommand
{
    public static int Run(string[] args)
    {
        var a = new CliArgs(args, "--json", "--detect-faces", "--no-mirror");
        string modelPath = a.Required("--model");
        bool json = a.Flag("--json");
        int threads = a.Int("--threads", Environment.ProcessorCount);
        bool detect = a.Flag("--detect-faces");
        // Faces cut out of photos are already framed by the detector, as in face-api's own pipeline.
        double? margin = TransferArgs.CanonicalMargin(a, modelPath == "pretrained" && !detect ? TransferArgs.PretrainedMargin : null);
        string? annotate = a.String("--annotate");
        string detector = a.String("--detector") ?? "ssd";
        string? faceModels = a.String("--face-models");
        bool mirror = TransferArgs.PretrainedMirror(a, margin) && modelPath == "pretrained";
        a.ThrowOnUnknown();
        if (a.Positional.Count == 0) throw new UsageException("give one or more IMAGE files");
        if (annotate is not null && !detect) throw new UsageException("--annotate needs --detect-faces");
        var classifier = ModelArgs.Load(modelPath, threads, margin, faceModels: faceModels, mirror: mirror);
        // A model trained on full photos (train --detect-faces) takes photos: each is searched for faces, as with --detect-faces,
        // so a photo without a face is reported as such instead of getting a prediction.
        detect |= FacePhotoClassifier.TakesPhotos(classifier);
        if (detect) return PredictFaces.Run(classifier, a.Positional, json, annotate, detector, threads, faceModels);
        int failures = 0;
        foreach (string path in Data.ImagePaths.Expand(a.Positional))
        {
            if (PredictCommand.TryLoad(path, classifier) is not { } image)
            {
                failures++;
                continue;
            }
            var p = classifier.Predict(image);
            if (p.FaceFound == false)
                Console.Error.WriteLine($"genderml predict: {path}: no face found; the whole image was classified (--detect-faces looks for every face in a photo)");
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new { path, label = p.Label, pMale = Math.Round((double)p.ProbabilityMale, 6) })
                : string.Create(CultureInfo.InvariantCulture, $"{path}\t{p.Label}\t{p.Confidence:F4}"));
        }
        return failures == 0 ? CliApp.Ok : CliApp.BadInput;
    }

    /// <summary>The image at <paramref name="path"/>, or null after reporting on standard error why it cannot be read.</summary>
    internal static Image? TryLoad(string path, IGenderClassifier? decodeFor = null)
    {
        try
        {
            return decodeFor is null ? Image.Load(path) : GenderClassifier.LoadImage(decodeFor, path);
        }
        catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"genderml predict: {(e is ImageLoadException ? e.Message : $"{path}: {e.Message}")}");
            return null;
        }
    }
}
