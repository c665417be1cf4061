using System.Globalization;
using GenderML.Classifiers;
using GenderML.Data;

namespace GenderML.Cli;

/// <summary>Reads the model and training options of train, compare and tune into <see cref="RecipeFlags"/>, checking each value.</summary>
internal static class TrainingArgs
{
    public static RecipeFlags Parse(CliArgs a)
    {
        var f = new RecipeFlags
        {
            ImageSize = Int(a, "--image-size"),
            Rgb = a.Flag("--rgb"),
            Resize = a.String("--resize") switch
            {
                null => null,
                "stretch" => ResizeMode.Stretch,
                "crop" => ResizeMode.CenterCrop,
                "pad" => ResizeMode.Pad,
                var mode => throw new UsageException($"--resize takes stretch, crop or pad, not '{mode}'"),
            },
            FrameFaces = a.Flag("--frame-faces"),
            NoFrameFaces = a.Flag("--no-frame-faces"),
            FrameMargin = Double(a, "--frame-margin"),
            FaceModels = a.String("--face-models"),
            Hidden = Int(a, "--hidden"),
            C = Double(a, "--c"),
            MaxIterations = Int(a, "--max-iterations"),
            Trees = Int(a, "--trees"),
            Leaves = Int(a, "--leaves"),
            Epochs = Int(a, "--epochs"),
            Batch = Int(a, "--batch"),
            LearningRate = Double(a, "--lr"),
            Seed = Int(a, "--seed"),
            Threads = Int(a, "--threads"),
            Cache = a.String("--cache"),
            Patience = Int(a, "--patience"),
            Validation = Double(a, "--validation"),
            NoAugment = a.Flag("--no-augment"),
            Zoom = a.String("--zoom") is { } zoom ? (ZoomBound(zoom, 0), ZoomBound(zoom, 1)) : null,
            Head = a.String("--head") switch
            {
                null => null,
                "logreg" => TransferHead.Logistic,
                "mlp" => TransferHead.Mlp,
                "gbdt" => TransferHead.Gbdt,
                var head => throw new UsageException($"--head takes logreg, mlp or gbdt, not '{head}'"),
            },
            NoCanonicalMargin = a.String("--canonical-margin") == "none",
            CanonicalMargin = a.String("--canonical-margin") is null or "none" ? null : TransferArgs.CanonicalMargin(a),
            CanonicalDetector = Int(a, "--canonical-detector"),
            DetectFaces = a.Flag("--detect-faces"),
            ResNetFeatures = a.String("--resnet-features") switch
            {
                null => null,
                "descriptor" => FaceResNetFeatures.Descriptor,
                "stages" => FaceResNetFeatures.StageMeans,
                var other => throw new UsageException($"--resnet-features takes descriptor or stages, not '{other}'"),
            },
            NoMirror = a.Flag("--no-mirror"),
            FineTune = a.Flag("--fine-tune"),
            FineTuneEpochs = Int(a, "--fine-tune-epochs"),
            FineTuneLearningRate = Double(a, "--fine-tune-lr"),
            FineTuneHeadLearningRate = Double(a, "--fine-tune-head-lr"),
            FineTuneBatch = Int(a, "--fine-tune-batch"),
            FineTunePatience = Int(a, "--fine-tune-patience"),
            FineTuneFlips = a.String("--fine-tune-flips") is { } flips && flips is not ("both" or "train" or "test" or "none")
                ? throw new UsageException($"--fine-tune-flips takes both, train, test or none, not '{flips}'") : a.String("--fine-tune-flips"),
        };
        if (f.ImageSize is < 16 or > 512) throw new UsageException($"--image-size must be 16–512, not {f.ImageSize}");
        if (f.FrameMargin is { } m && !(m >= FaceFraming.MinimumMargin && m <= 1))
            throw new UsageException($"--frame-margin takes a fraction of the face box in [{FaceFraming.MinimumMargin}, 1], not {m}");
        if (f.CanonicalDetector is { } size && (size is < 32 or > 1024 || size % 32 != 0))
            throw new UsageException($"--canonical-detector takes a multiple of 32 between 32 and 1024 (160 or 224), not {size}");
        if (f.Validation is < 0 or >= 1) throw new UsageException("--validation takes a fraction in [0, 1)");
        if (f.Epochs < 1 || f.Batch < 1 || f.Threads < 1 || f.LearningRate is { } lr && !(lr > 0))
            throw new UsageException("--epochs, --batch, --threads and --lr must be positive");
        if (f.Patience < 0) throw new UsageException("--patience must be 0 or more");
        return f;
    }

    private static int? Int(CliArgs a, string name) => a.String(name) is null ? null : a.Int(name, 0);

    private static double? Double(CliArgs a, string name) => a.String(name) is null ? null : a.Double(name, 0);

    // --zoom MIN,MAX: the augmentation's zoom range; below 1 is a looser crop.
    private static float ZoomBound(string text, int index)
    {
        var parts = text.Split(',');
        if (parts.Length != 2 || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float min)
            || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float max)
            || !(min > 0) || !(max >= min) || max > 4)
            throw new UsageException($"--zoom takes MIN,MAX with 0 < MIN ≤ MAX ≤ 4 (e.g. 0.5,1.1), not '{text}'");
        return index == 0 ? min : max;
    }
}
