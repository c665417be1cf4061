using System.CommandLine;
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
    private static readonly Option<string> Model = CliOptions.Text("--model", "MODEL.zip", "the model file, or pretrained (face-api's age/gender net)", required: true);
    private static readonly Argument<string[]> Images = new("IMAGE") { Description = "the images (JPEG or PNG)", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<bool> Json = CliOptions.Json("one JSON object per line");
    private static readonly Option<int?> Threads = CliOptions.Threads();
    private static readonly Option<bool> DetectFaces = CliOptions.Flag("--detect-faces", "every face of each photo (face-api's detector), one line each");
    private static readonly Option<string> Detector = CliOptions.Choice("--detector", "with --detect-faces: the face detector (default: the library's, ssd)", "ssd", "tiny");
    private static readonly Option<string> Annotate = CliOptions.Text("--annotate", "OUT.jpg", "with --detect-faces: write each photo with its boxes (OUT-2.jpg… for later photos)");
    private static readonly Option<string> CanonicalMargin = CliOptions.CanonicalMargin(
        "--model pretrained: re-crop each image to its detected face box widened by M per side, or none (default 0)");
    private static readonly Option<bool> NoMirror = CliOptions.Flag("--no-mirror", "--model pretrained: do not average with the mirror image");
    private static readonly Option<string> FaceModels = CliOptions.FaceModels();
    private static readonly Option<AbstainBand?> Abstain = CliOptions.Abstain();

    public static Command Create()
    {
        var command = new Command("predict", "the label and probability of each image; --model pretrained: face-api's ready net, no training")
            .With(Model, Images, Json, Threads, DetectFaces, Detector, Annotate, CanonicalMargin, NoMirror, FaceModels, Abstain);
        command.SetAction(r => CliApp.Guard(r, Run));
        return command;
    }

    private static int Run(ParseResult r)
    {
        string modelPath = r.GetValue(Model)!;
        string[] images = r.GetValue(Images)!;
        bool json = r.GetValue(Json);
        int threads = r.GetValue(Threads) ?? Environment.ProcessorCount;
        bool detect = r.GetValue(DetectFaces);
        bool pretrained = modelPath == ClassifierPresets.Pretrained;
        // Faces cut out of photos are already framed by the detector, as in face-api's own pipeline.
        double? margin = CliOptions.CanonicalMarginValue(r.GetValue(CanonicalMargin), pretrained && !detect ? ClassifierPresets.FaceApiCanonicalMargin : null);
        string? annotate = r.GetValue(Annotate);
        string? detector = r.GetValue(Detector);
        string? faceModels = r.GetValue(FaceModels);
        bool mirror = pretrained && margin is not null && !r.GetValue(NoMirror);
        if (annotate is not null && !detect) throw new UsageException("--annotate needs --detect-faces");
        var classifier = ModelArgs.Load(modelPath, threads, margin, faceModels: faceModels, mirror: mirror);
        // A model trained on full photos (train --detect-faces) takes photos: each is searched for faces, as with --detect-faces,
        // so a photo without a face is reported as such instead of getting a prediction.
        detect |= FacePhotoClassifier.TakesPhotos(classifier);
        var band = r.GetValue(Abstain);
        if (detect) return PredictFaces.Run(classifier, images, json, annotate, detector, threads, faceModels, band);
        int failures = 0;
        foreach (string path in GenderML.Data.ImagePaths.Expand(images))
        {
            if (PredictCommand.TryLoad(path, classifier) is not { } image)
            {
                failures++;
                continue;
            }
            var p = classifier.Predict(image);
            if (band is not null) p = band.Apply(p);
            if (p.FaceFound == false)
                Console.Error.WriteLine($"genderml predict: {path}: no face found; the whole image was classified (--detect-faces looks for every face in a photo)");
            Console.WriteLine(Line(path, p, json, band is not null));
        }
        return failures == 0 ? CliApp.Ok : CliApp.BadInput;
    }

    /// <summary>
    /// One prediction's line: <c>path, label, P(label)</c> (with a band, <c>abstain</c> after it when the prediction
    /// abstained), or its JSON object (with a band, <c>"abstained"</c>).
    /// </summary>
    internal static string Line(string path, GenderPrediction p, bool json, bool withBand) => json
        ? withBand
            ? JsonSerializer.Serialize(new { path, label = p.Label, pMale = Math.Round((double)p.ProbabilityMale, 6), abstained = p.Abstained })
            : JsonSerializer.Serialize(new { path, label = p.Label, pMale = Math.Round((double)p.ProbabilityMale, 6) })
        : string.Create(CultureInfo.InvariantCulture, $"{path}\t{p.Label}\t{p.Confidence:F4}{(p.Abstained ? "\tabstain" : "")}");

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
