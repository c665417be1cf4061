using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Training;

namespace GenderML.Cli;

/// <summary>
/// The model and training options of train, compare and tune as given on the command line (null or false: not given),
/// laid over a library preset by <see cref="Apply"/>. Every default is the preset's (<see cref="ClassifierPresets"/>).
/// </summary>
internal sealed record RecipeFlags
{
    public int? ImageSize { get; init; }
    public bool Rgb { get; init; }
    public ResizeMode? Resize { get; init; }
    public bool FrameFaces { get; init; }
    public bool NoFrameFaces { get; init; }
    public double? FrameMargin { get; init; }
    public string? FaceModels { get; init; }
    public int? Hidden { get; init; }
    public double? C { get; init; }
    public int? MaxIterations { get; init; }
    public int? Trees { get; init; }
    public int? Leaves { get; init; }

    public int? Epochs { get; init; }
    public int? Batch { get; init; }
    public double? LearningRate { get; init; }
    public int? Seed { get; init; }
    public CalibrationMethod? Calibration { get; init; }
    public int? Threads { get; init; }
    public string? Cache { get; init; }
    public int? Patience { get; init; }
    public double? Validation { get; init; }
    public bool NoAugment { get; init; }
    public (float Min, float Max)? Zoom { get; init; }
    public bool Resume { get; init; }
    public string? CheckpointPath { get; init; }

    public TransferHead? Head { get; init; }
    public double? AnchorPenalty { get; init; }
    public double? Distillation { get; init; }
    public bool ExcludeSuspects { get; init; }
    public bool KeepSuspects { get; init; }
    /// <summary><c>--canonical-margin</c> as a margin; <c>none</c> is <see cref="NoCanonicalMargin"/>.</summary>
    public double? CanonicalMargin { get; init; }
    public bool NoCanonicalMargin { get; init; }
    public int? CanonicalDetector { get; init; }
    public bool DetectFaces { get; init; }
    public FaceResNetFeatures? ResNetFeatures { get; init; }
    public bool NoMirror { get; init; }

    public bool FineTune { get; init; }
    public int? FineTuneEpochs { get; init; }
    public double? FineTuneLearningRate { get; init; }
    public double? FineTuneHeadLearningRate { get; init; }
    public int? FineTuneBatch { get; init; }
    public int? FineTunePatience { get; init; }
    /// <summary><c>--fine-tune-flips both|train|test|none</c>.</summary>
    public string? FineTuneFlips { get; init; }

    /// <summary>
    /// The preset named <paramref name="name"/> with these flags laid over it. A flag that does not fit the model is a
    /// usage error, unless <paramref name="strict"/> is false (compare: the flags apply to the models they fit).
    /// </summary>
    public ClassifierRecipe Apply(string name, bool strict = true)
    {
        ClassifierRecipe preset;
        try
        {
            preset = ClassifierPresets.Create(name);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"unknown model '{name}' (one of {string.Join(", ", ClassifierPresets.Names)})");
        }
        var flags = strict ? this : this with { Strict = false };
        var recipe = preset is TransferRecipe t ? flags.Transfer(t) : flags.Pixels(preset);
        return recipe with { Training = flags.Training(recipe), Calibration = Calibration ?? recipe.Calibration };
    }

    private ClassifierRecipe Pixels(ClassifierRecipe recipe)
    {
        Reject(recipe.Kind, "the transfer models",
            ("--head", Head is not null),
            ("--anchor-penalty", AnchorPenalty is not null),
            ("--distillation", Distillation is not null),
            ("--exclude-suspects", ExcludeSuspects),
            ("--keep-suspects", KeepSuspects),
            ("--canonical-margin", CanonicalMargin is not null || NoCanonicalMargin),
            ("--canonical-detector", CanonicalDetector is not null),
            ("--detect-faces", DetectFaces),
            ("--resnet-features", ResNetFeatures is not null),
            ("--no-mirror", NoMirror),
            ("--fine-tune", FineTune));
        var p = recipe.Preprocessing;
        p = p with
        {
            Size = ImageSize ?? p.Size,
            Format = Rgb ? PixelFormat.Rgb24 : p.Format,
            Mode = Resize ?? p.Mode,
        };
        if (FrameFaces && NoFrameFaces)
            throw new UsageException("--frame-faces and --no-frame-faces exclude each other");
        bool framed = FrameFaces || (p.Framing is not null && !NoFrameFaces);
        if (framed && (p.Framing is null || FrameMargin is not null || FaceModels is not null || Threads is not null))
        {
            double margin = FrameMargin ?? (p.Framing as FaceFraming)?.Margin ?? FaceFraming.DefaultMargin;
            p = p with { Framing = new FaceFraming(margin, FaceModels, Threads ?? 0) };
        }
        else if (!framed)
        {
            if (FrameMargin is not null)
                throw new UsageException("--frame-margin goes with face framing (--frame-faces, the default for every model but logreg)");
            p = p with { Framing = null };
        }
        recipe = recipe with { Preprocessing = p };
        switch (recipe)
        {
            case LogisticRegressionRecipe r:
                Reject(r.Kind, "the networks", ("--hidden", Hidden is not null));
                Reject(r.Kind, "gbdt", ("--trees", Trees is not null), ("--leaves", Leaves is not null));
                return r with { C = C ?? r.C, MaxIterations = MaxIterations ?? r.MaxIterations };
            case GradientBoostingRecipe r:
                Reject(r.Kind, "logreg and the transfer models", ("--c", C is not null));
                Reject(r.Kind, "logreg", ("--max-iterations", MaxIterations is not null));
                Reject(r.Kind, "the networks", ("--hidden", Hidden is not null));
                // --lr is the trees' learning rate (shrinkage) here.
                var b = r.Boosting;
                return r with
                {
                    Boosting = b with
                    {
                        Trees = Trees ?? b.Trees,
                        Leaves = Leaves ?? b.Leaves,
                        LearningRate = LearningRate ?? b.LearningRate,
                    },
                };
            case NeuralNetworkRecipe r:
                Reject(r.Kind, "logreg and the transfer models", ("--c", C is not null));
                Reject(r.Kind, "logreg", ("--max-iterations", MaxIterations is not null));
                Reject(r.Kind, "gbdt", ("--trees", Trees is not null), ("--leaves", Leaves is not null));
                if (r.Preset == NetworkPreset.ResNet)
                    Reject(r.Kind, "dense, cnn2, cnn3, vgg and rnn", ("--hidden", Hidden is not null));
                return r with { HiddenUnits = Hidden ?? r.HiddenUnits };
            default:
                return recipe;
        }
    }

    private TransferRecipe Transfer(TransferRecipe recipe)
    {
        Reject(recipe.Kind, "the pixel models",
            ("--image-size", ImageSize is not null),
            ("--rgb", Rgb),
            ("--resize", Resize is not null),
            ("--frame-faces", FrameFaces),
            ("--no-frame-faces", NoFrameFaces),
            ("--frame-margin", FrameMargin is not null),
            ("--hidden", Hidden is not null),
            ("--max-iterations", MaxIterations is not null),
            ("--trees", Trees is not null),
            ("--leaves", Leaves is not null));
        recipe = recipe with
        {
            Head = Head ?? recipe.Head,
            Preprocessing = recipe.Preprocessing with
            {
                Framing = Framing(recipe.Preprocessing.Framing as FaceFraming),
            },
            ModelsFolder = FaceModels ?? recipe.ModelsFolder,
            ResNetFeatures = ResNetFeatures ?? recipe.ResNetFeatures,
            Mirror = NoMirror ? false : recipe.Mirror,
            CValues = C is { } c ? [c] : recipe.CValues,
            AnchorPenalties = AnchorPenalty is { } l ? [l] : recipe.AnchorPenalties,
            Distillations = Distillation is { } a ? [a] : recipe.Distillations,
            ExcludeSuspects = ExcludeSuspects || (recipe.ExcludeSuspects && !KeepSuspects),
        };
        if (ExcludeSuspects && KeepSuspects) throw new UsageException("--exclude-suspects and --keep-suspects exclude each other");
        if (recipe.Head == TransferHead.Anchored && recipe.Backbone != TransferBackbone.Fusion)
            throw new UsageException("--head anchored reads the shipped gender logit: it is for transfer and transfer-fusion");
        if (recipe.Head == TransferHead.Anchored && C is not null)
            throw new UsageException("--c is the logistic head's; the anchored head's strength is --anchor-penalty");
        if (recipe.Head != TransferHead.Anchored && (AnchorPenalty is not null || Distillation is not null))
            throw new UsageException("--anchor-penalty and --distillation go with --head anchored");
        if (recipe.ResNetFeatures is not null && recipe.Backbone == TransferBackbone.Xception)
            throw new UsageException("--resnet-features is for the backbones with the face ResNet (transfer, transfer-fusion)");
        return WithFineTune(recipe);
    }

    /// <summary>
    /// The transfer framing the canonical flags make of the preset's <paramref name="preset"/>: <c>--detect-faces</c>
    /// full photos, <c>--canonical-margin none</c> no framing, otherwise a canonical crop with the margin and detector
    /// given or the preset's.
    /// </summary>
    private FaceFraming? Framing(FaceFraming? preset)
    {
        double? margin = NoCanonicalMargin ? null : CanonicalMargin ?? preset?.Margin;
        if (DetectFaces) return FaceFraming.ForPhotos(margin ?? 0);
        if (margin is not { } m) return null;
        return CanonicalMargin is null && CanonicalDetector is null && preset is not null
            ? preset
            : FaceFraming.Canonical(m, CanonicalDetector ?? preset?.DetectorSize ?? FaceFraming.DefaultDetectorSize);
    }

    private TransferRecipe WithFineTune(TransferRecipe recipe)
    {
        bool any = FineTuneEpochs is not null || FineTuneLearningRate is not null
            || FineTuneHeadLearningRate is not null
            || FineTuneBatch is not null || FineTunePatience is not null || FineTuneFlips is not null;
        if (!FineTune)
        {
            if (any) throw new UsageException("the --fine-tune-* options need --fine-tune");
            return recipe;
        }
        if (recipe.Backbone != TransferBackbone.FaceResNet) throw new UsageException("--fine-tune is for --model transfer-resnet (the face ResNet)");
        if (recipe.Head != TransferHead.Logistic) throw new UsageException("--fine-tune trains its own logistic head; drop --head");
        if (DetectFaces) throw new UsageException("--fine-tune does not take --detect-faces yet");
        if (ExcludeSuspects) throw new UsageException("--fine-tune does not take --exclude-suspects yet");
        if (recipe.ResNetFeatures is not null) throw new UsageException("--fine-tune reads the last stage it trains; drop --resnet-features");
        if (recipe.Mirror is not null) throw new UsageException("--fine-tune sets mirror images with --fine-tune-flips; drop --no-mirror");
        var d = recipe.FineTune ?? new FineTuneOptions();
        string? flips = FineTuneFlips;
        var o = d with
        {
            Epochs = FineTuneEpochs ?? d.Epochs,
            LearningRate = FineTuneLearningRate ?? d.LearningRate,
            HeadLearningRate = FineTuneHeadLearningRate ?? d.HeadLearningRate,
            BatchSize = FineTuneBatch ?? d.BatchSize,
            Patience = FineTunePatience ?? d.Patience,
            FlipTrain = flips is null ? d.FlipTrain : flips is "both" or "train",
            FlipTest = flips is null ? d.FlipTest : flips is "both" or "test",
        };
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return recipe with { FineTune = o };
    }

    private TrainingOptions Training(ClassifierRecipe recipe)
    {
        var o = recipe.Training;
        o = o with
        {
            Epochs = Epochs ?? o.Epochs,
            BatchSize = Batch ?? o.BatchSize,
            LearningRate = LearningRate ?? o.LearningRate,
            Seed = Seed ?? o.Seed,
            Threads = Threads ?? o.Threads,
            CacheFolder = Cache ?? o.CacheFolder,
            EarlyStoppingPatience = Patience ?? o.EarlyStoppingPatience,
            ValidationFraction = Validation ?? o.ValidationFraction,
            Resume = Resume || o.Resume,
            CheckpointPath = CheckpointPath ?? o.CheckpointPath,
        };
        if (NoAugment) o = o with { Augmentation = AugmentationOptions.None };
        if (Zoom is { } z) o = o with { Augmentation = o.Augmentation with { MinScale = z.Min, MaxScale = z.Max } };
        return o;
    }

    private bool Strict { get; init; } = true;

    /// <summary>A usage error for the first of <paramref name="flags"/> given to a model it does not fit.</summary>
    private void Reject(string kind, string owners, params (string Flag, bool Given)[] flags)
    {
        foreach (var (flag, given) in flags)
            if (given && Strict) throw new UsageException($"{flag} is for {owners}, not {kind}");
    }
}
