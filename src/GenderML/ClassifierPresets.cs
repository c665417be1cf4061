using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Training;

namespace GenderML;

/// <summary>
/// The named models (<c>cnn3</c>, <c>transfer</c>, …): each name's recipe with its preprocessing, face framing and
/// training options. <c>Trainer.Fit(ClassifierPresets.Create("cnn3"), train)</c> trains the model that
/// <c>genderml train --model cnn3</c> trains; a surface changes a preset only through the recipe's properties.
/// </summary>
public static class ClassifierPresets
{
    /// <summary>The name of face-api's age/gender model as shipped (<see cref="LoadPretrained"/>).</summary>
    public const string Pretrained = "pretrained";

    /// <summary>The names <see cref="Create"/> takes, from the plain baseline to the transfer models.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "logreg", "gbdt", "dense", "cnn2", "cnn3", "vgg", "rnn", "resnet",
        "transfer", "transfer-resnet", "transfer-xception", "transfer-fusion",
    ];

    /// <summary>
    /// The canonical-framing margin of the face-api models (transfer and <see cref="Pretrained"/>): 0, the tiny
    /// detector's box as it is, face-api's own crop.
    /// </summary>
    public const double FaceApiCanonicalMargin = 0.0;

    // The weights of the shipped head's P(male) in the training targets that `transfer` chooses from on its validation
    // part (TransferRecipe.Distillations).
    private static readonly double[] AnchoredDistillations = [0.5, 0.65, 0.8];

    /// <summary>The recipe named <paramref name="name"/> (one of <see cref="Names"/>), with its training options.</summary>
    /// <remarks>
    /// Every pixel model but <c>logreg</c> frames each image around its face (<see cref="FaceFraming"/> with
    /// <see cref="FaceFraming.DefaultMargin"/>); <c>logreg</c> stays the plain baseline on unframed pixels. The models
    /// without convolutions (<c>dense</c>, <c>rnn</c>) train 10 epochs at 1e-3 with
    /// <see cref="AugmentationOptions.Mild"/>, the others 12 epochs at 2e-3; <c>logreg</c> and <c>gbdt</c> hold no
    /// validation part out: <c>gbdt</c> is calibrated on out-of-fold scores, and <c>logreg</c>, whose log-loss fit on all
    /// of its data is its own calibration, is left uncalibrated (folds trained on less data over-soften it:
    /// docs/BENCHMARKS.md); <c>dense</c>, under-confident at middling scores and right at the extremes (an S-shaped
    /// reliability curve that one temperature cannot straighten), is calibrated by <see cref="CalibrationMethod.SidedPower"/>,
    /// every other network by temperature. The transfer models frame with <see cref="FaceFraming.Canonical"/> at
    /// <see cref="FaceApiCanonicalMargin"/>, the detector at 160 px for <c>transfer-resnet</c> and 224 px for the others.
    /// <c>transfer</c> is the fusion backbone (face ResNet stage means, Xception features, the shipped gender logit) with
    /// the <see cref="TransferHead.Anchored"/> head: face-api's shipped gender head plus a correction penalised for
    /// straying from it, fitted to targets that mix the label with the shipped head's P(male) (<see cref="TransferRecipe.Distillations"/>
    /// 0.5, 0.65 or 0.8 with the pull 0.1, 0.03 or 0.01, the pair whose worst estimated-age × label group loses least to the
    /// shipped head on the validation part) on the training images whose label the out-of-fold screen does not doubt
    /// (<see cref="TransferRecipe.ExcludeSuspects"/>),
    /// averaged with the mirror image as <c>pretrained</c> is, and calibrated by <see cref="CalibrationMethod.SidedPower"/>
    /// (it is sure of the women and hesitant on men, as the shipped head is); <c>transfer-resnet</c> is a logistic head
    /// on the face ResNet's stage means alone.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="Names"/>.</exception>
    public static ClassifierRecipe Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var training = Training(name);
        if (name.StartsWith("transfer", StringComparison.Ordinal)) return Transfer(name) with { Training = training };
        var pixels = new PreprocessOptions
        {
            Size = name is "vgg" or "resnet" ? 64 : 50,
            Format = PixelFormat.Gray8,
            Mode = ResizeMode.Stretch,
            Framing = name is "logreg" ? null : new FaceFraming(FaceFraming.DefaultMargin),
        };
        ClassifierRecipe recipe = name switch
        {
            "logreg" => new LogisticRegressionRecipe { C = 1.0, MaxIterations = 500, Calibration = CalibrationMethod.None },
            "gbdt" => new GradientBoostingRecipe
            {
                Boosting = new Trees.GradientBoostingOptions { Trees = 100, Leaves = 20, LearningRate = 0.2 },
            },
            "dense" => new NeuralNetworkRecipe(NetworkPreset.Dense) { Calibration = CalibrationMethod.SidedPower },
            "cnn2" => new NeuralNetworkRecipe(NetworkPreset.Cnn2),
            "cnn3" => new NeuralNetworkRecipe(NetworkPreset.Cnn3),
            "vgg" => new NeuralNetworkRecipe(NetworkPreset.SmallerVgg),
            "rnn" => new NeuralNetworkRecipe(NetworkPreset.Rnn),
            "resnet" => new NeuralNetworkRecipe(NetworkPreset.ResNet),
            _ => throw Unknown(name),
        };
        return recipe with { Preprocessing = pixels, Training = training };
    }

    /// <summary>
    /// face-api's age/gender net as the <see cref="Pretrained"/> model: each image re-cropped to its detected face with
    /// <see cref="FaceApiCanonicalMargin"/>, predictions averaged with the mirror image's.
    /// </summary>
    /// <param name="modelsFolder">A folder of face-api weights to read instead of the packaged ones (null: those).</param>
    /// <param name="threads">Threads for inference (0: every core).</param>
    /// <exception cref="FileNotFoundException">A weight file is missing.</exception>
    public static PretrainedGenderClassifier LoadPretrained(string? modelsFolder = null, int threads = 0) =>
        PretrainedGenderClassifier.Load(modelsFolder, threads, FaceApiCanonicalMargin, detectFaces: false,
            mirror: true);

    private static TransferRecipe Transfer(string name)
    {
        var backbone = name switch
        {
            "transfer" => TransferBackbone.Fusion,
            "transfer-resnet" => TransferBackbone.FaceResNet,
            "transfer-xception" => TransferBackbone.Xception,
            "transfer-fusion" => TransferBackbone.Fusion,
            _ => throw Unknown(name),
        };
        bool anchored = name == "transfer";
        return new TransferRecipe(backbone)
        {
            Head = anchored ? TransferHead.Anchored : TransferHead.Logistic,
            ResNetFeatures = anchored ? FaceResNetFeatures.StageMeans : null,
            Distillations = anchored ? AnchoredDistillations : [0],
            ExcludeSuspects = anchored,
            Calibration = anchored ? CalibrationMethod.SidedPower : CalibrationMethod.Temperature,
            Preprocessing = new PreprocessOptions
            {
                Size = backbone == TransferBackbone.Xception ? 112 : 150,
                Format = PixelFormat.Rgb24,
                Mode = ResizeMode.Pad,
                Framing = FaceFraming.Canonical(FaceApiCanonicalMargin, backbone == TransferBackbone.FaceResNet
                    ? FaceFraming.LegacyDetectorSize : FaceFraming.DefaultDetectorSize),
            },
        };
    }

    private static TrainingOptions Training(string name)
    {
        bool noConvolutions = name is "dense" or "rnn";
        return new TrainingOptions
        {
            Epochs = noConvolutions ? 10 : 12,
            BatchSize = 64,
            LearningRate = noConvolutions ? 1e-3 : 2e-3,
            Seed = 1,
            EarlyStoppingPatience = 4,
            ValidationFraction = name is "logreg" or "gbdt" ? 0 : 0.1,
            Augmentation = noConvolutions ? AugmentationOptions.Mild : AugmentationOptions.Default,
        };
    }

    private static ArgumentException Unknown(string name) =>
        new($"unknown model '{name}' (one of {string.Join(", ", Names)})", nameof(name));
}
