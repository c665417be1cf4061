using System.Globalization;
using System.Text.Json;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml predict --model M --detect-faces [--detector ssd|tiny] [--json] [--annotate OUT.jpg] PHOTO...</c>: every face
/// of each photo, one line each (path, box x,y,w,h, score, label, confidence); with <c>--json</c> one object per photo
/// <c>{"path": ..., "faces": [{"box": [x, y, w, h], "score": S, "label": ..., "pMale": P}]}</c>. <c>--annotate</c> writes
/// the photo with its boxes as a JPEG (OUT-2.jpg, OUT-3.jpg … for later photos).
/// </summary>
internal static class PredictFaces
{
    /// <summary>Leaves out <c>abstained</c> when no band was asked for.</summary>
    private static readonly JsonSerializerOptions WithoutNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    // detector: ssd, tiny, or null for the library's default.
    public static int Run(IGenderClassifier classifier, IReadOnlyList<string> paths, bool json, string? annotate, string? detector,
        int threads, string? faceModels = null, AbstainBand? band = null)
    {
        var options = new FaceDetectorOptions();
        options = detector switch
        {
            null => options,
            "tiny" => options with { Kind = FaceDetectorKind.Tiny },
            _ => options with { Kind = FaceDetectorKind.SsdMobilenetV1 },
        };
        FacePhotoClassifier photos;
        try
        {
            photos = FacePhotoClassifier.Load(classifier, faceModels, options, threads);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            throw new BadInputException(e.Message);
        }
        int failures = 0;
        for (int n = 0; n < paths.Count; n++)
        {
            string path = paths[n];
            if (PredictCommand.TryLoad(path) is not { } image)
            {
                failures++;
                continue;
            }
            var faces = photos.Classify(image);
            if (band is not null) faces = [.. faces.Select(f => f with { Prediction = band.Apply(f.Prediction) })];
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    path,
                    faces = faces.Select(f => new
                    {
                        box = new[] { Round(f.Face.X), Round(f.Face.Y), Round(f.Face.Width), Round(f.Face.Height) },
                        score = Math.Round(f.Face.Score, 6),
                        label = f.Prediction.Label,
                        pMale = Math.Round((double)f.Prediction.ProbabilityMale, 6),
                        abstained = band is null ? (bool?)null : f.Prediction.Abstained,
                    }),
                }, WithoutNulls));
            }
            else
            {
                if (faces.Count == 0) Console.WriteLine($"{path}\tno face found");
                foreach (var f in faces)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{path}\t{f.Face.X:F1},{f.Face.Y:F1},{f.Face.Width:F1},{f.Face.Height:F1}\t{f.Face.Score:F3}\t{f.Prediction.Label}\t{f.Prediction.Confidence:F4}{(f.Prediction.Abstained ? "\tabstain" : "")}"));
            }
            if (annotate is not null)
            {
                string output = n == 0 ? annotate : Path.Combine(Path.GetDirectoryName(annotate) ?? "",
                    string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(annotate)}-{n + 1}{Path.GetExtension(annotate)}"));
                Data.OutputFile.Check(output, [.. paths]);
                Data.OutputFile.WriteAllBytes(output, FacePhotoClassifier.Annotate(image, faces).EncodeJpeg(90));
            }
        }
        return failures == 0 ? CliApp.Ok : CliApp.BadInput;
    }

    private static double Round(double v) => Math.Round(v, 2);
}
