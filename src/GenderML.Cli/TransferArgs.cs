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
    public static TransferRecipe Recipe(string name, CliArgs a)
    {
        var backbone = name switch
        {
            "transfer" => TransferBackbone.FaceResNet,
            "transfer-xception" => TransferBackbone.Xception,
            "transfer-fusion" => TransferBackbone.Fusion,
            _ => throw new UsageException($"unknown model '{name}' (one of {Recipes.Names})"),
        };
        string head = a.String("--head") ?? "logreg";
        var recipe = new TransferRecipe(backbone)
        {
            Head = head switch
            {
                "logreg" => TransferHead.Logistic,
                "mlp" => TransferHead.Mlp,
                "gbdt" => TransferHead.Gbdt,
                _ => throw new UsageException($"--head takes logreg, mlp or gbdt, not '{head}'"),
            },
            CanonicalMargin = CanonicalMargin(a, PretrainedMargin),
            CanonicalDetectorSize = a.String("--canonical-detector") is null ? null : a.Int("--canonical-detector", 0),
            DetectFaces = a.Flag("--detect-faces"),
            Preprocessing = new Data.PreprocessOptions
            {
                Size = backbone == TransferBackbone.Xception ? 112 : 150, Format = Imaging.PixelFormat.Rgb24, Mode = Data.ResizeMode.Pad,
            },
            ModelsFolder = a.String("--face-models"),
            ResNetFeatures = a.String("--resnet-features") switch
            {
                null => null,
                "descriptor" => FaceResNetFeatures.Descriptor,
                "stages" => FaceResNetFeatures.StageMeans,
                var other => throw new UsageException($"--resnet-features takes descriptor or stages, not '{other}'"),
            },
            Mirror = a.Flag("--no-mirror") ? false : null,
        };
        if (recipe.ResNetFeatures is not null && backbone == TransferBackbone.Xception)
            throw new UsageException("--resnet-features is for the backbones with the face ResNet (transfer, transfer-fusion)");
        if (recipe.CanonicalDetectorSize is { } size && (size is < 32 or > 1024 || size % 32 != 0))
            throw new UsageException($"--canonical-detector takes a multiple of 32 between 32 and 1024 (160 or 224), not {recipe.CanonicalDetectorSize}");
        if (a.String("--c") is not null) recipe = recipe with { CValues = [a.Double("--c", 1.0)] };
        return FineTuneArgs.Apply(recipe, a);
    }

    /// <summary>
    /// The default framing of the face-api models on the command line: canonical crops, the tiny detector's box at 224 px
    /// with no margin (face-api's own crop; on 1,941 test crops the pretrained net scored 97.17 % plain, 96.65 % reframed ×0.7,
    /// against 97.37 % and 95.21 % with a 0.1 margin; docs/BENCHMARKS-framing.md).
    /// </summary>
    public const double PretrainedMargin = 0.0;

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
