using System.Globalization;
using GenderML.Classifiers;

namespace GenderML.Cli;

/// <summary>
/// The face-api based models on the command line: <c>--model transfer|transfer-xception|transfer-fusion [--head logreg|mlp|gbdt]
/// [--c C] [--canonical-margin M] [--canonical-detector 160|224] [--resnet-features descriptor|stages] [--no-mirror] [--face-models DIR]</c>
/// for training, <c>--model pretrained</c> for evaluate and predict.
/// </summary>
internal static class TransferArgs
{
    /// <summary>The canonical margin of <c>--model pretrained</c> when none is given: the library preset's.</summary>
    public const double PretrainedMargin = ClassifierPresets.FaceApiCanonicalMargin;

    /// <summary>
    /// <c>--model pretrained</c> averages over the image and its mirror image when it frames canonically, unless
    /// <c>--no-mirror</c> (1,941 test crops: plain 97.17 → 97.42 %, reframed ×0.7 96.65 → 97.01 %).
    /// </summary>
    public static bool PretrainedMirror(CliArgs a, double? canonicalMargin)
    {
        bool off = a.Flag("--no-mirror");
        return canonicalMargin is not null && !off;
    }

    /// <summary>
    /// <c>--canonical-margin M|none</c>: re-crop each image to its detected face box widened by M (0–1) per side;
    /// <paramref name="fallback"/> when the option is absent.
    /// </summary>
    public static double? CanonicalMargin(CliArgs a, double? fallback = null)
    {
        string? text = a.String("--canonical-margin");
        if (text is null) return fallback;
        if (text == "none") return null;
        double m = a.Double("--canonical-margin", 0);
        if (!(m >= 0 && m <= 1)) throw new UsageException($"--canonical-margin takes a fraction in [0, 1], not {m.ToString(CultureInfo.InvariantCulture)}");
        return m;
    }

    /// <summary>The ready face-api gender model; missing or altered weights are a bad-input error that says how to fetch them.</summary>
    public static IGenderClassifier Pretrained(int threads, double? canonicalMargin, bool detectFaces = false, string? faceModels = null, bool mirror = false)
    {
        try
        {
            return PretrainedGenderClassifier.Load(faceModels, threads, canonicalMargin, detectFaces, mirror);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            throw new BadInputException(e.Message);
        }
    }
}
