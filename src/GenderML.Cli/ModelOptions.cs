using System.CommandLine;
using System.Globalization;
using GenderML.Classifiers;
using GenderML.Data;
using static GenderML.Cli.CliOptions;

namespace GenderML.Cli;

/// <summary>
/// The model and training options of train, compare and tune; <see cref="Flags"/> reads them into
/// <see cref="RecipeFlags"/>, laid over the library preset. No defaults here: an absent option keeps the preset's
/// value.
/// </summary>
internal sealed class ModelOptions
{
    private static readonly string[] Resizes = ["stretch", "crop", "pad"];

    private readonly Option<int?> _imageSize = Int("--image-size", "N",
        "image side in pixels (pixel models; preset: 50, vgg and resnet 64)", 16, 512);
    private readonly Option<bool> _rgb = Flag("--rgb", "colour pixels instead of gray (pixel models)");
    private readonly Option<string> _resize = Choice("--resize",
        "how a non-square image is made square (pixel models; preset: stretch)", Resizes);
    private readonly Option<bool> _frameFaces = Flag("--frame-faces",
        "frame each image around its face (the preset for every pixel model but logreg)");
    private readonly Option<bool> _noFrameFaces = Flag("--no-frame-faces", "use the images as they are (pixel models)");
    private readonly Option<double?> _frameMargin = Number("--frame-margin", "M",
        "face framing: widening of the face box on each side, a fraction of it",
        m => m >= FaceFraming.MinimumMargin && m <= 1,
            $"a fraction of the face box in [{FaceFraming.MinimumMargin.ToString(CultureInfo.InvariantCulture)}, 1]");
    private readonly Option<string> _faceModels = FaceModels();
    private readonly Option<int?> _hidden = Int("--hidden", "N",
        "hidden units of the dense net, the GRU and the CNNs' dense layer (0: the preset's)", 0);
    private readonly Option<double?> _c = Number("--c", "X",
        "inverse L2 strength of logreg and the transfer models' logistic head", c => c > 0, "a positive number");
    private readonly Option<int?> _maxIterations = Int("--max-iterations", "N",
        "L-BFGS iterations at the most (logreg)", 1);
    private readonly Option<int?> _trees = Int("--trees", "N", "trees (gbdt)", 1);
    private readonly Option<int?> _leaves = Int("--leaves", "N", "leaves per tree at the most (gbdt)", 2);

    private readonly Option<int?> _epochs = Int("--epochs", "N", "passes over the training data at the most", 1);
    private readonly Option<int?> _batch = Int("--batch", "N", "images per optimiser step", 1);
    private readonly Option<double?> _lr = Number("--lr", "X", "peak learning rate (gbdt: the trees' learning rate)",
        x => x > 0, "a positive number");
    private readonly Option<string> _calibration = Choice("--calibration",
        "how P(male) is calibrated on held-out scores (default: the model's, temperature; sided-power for transfer and dense; none for logreg)", "temperature", "platt", "sided-power", "none");
    private readonly Option<int?> _seed = Int("--seed", "N", "the seed of every random choice", int.MinValue);
    private readonly Option<int?> _threads = Threads();
    private readonly Option<string> _cache = Text("--cache", "DIR",
        "the pixel and embedding cache folder (default: the user's cache)");
    private readonly Option<int?> _patience = Int("--patience", "N",
        "stop after N epochs without a better validation loss (0: never)", 0);
    private readonly Option<double?> _validation = Number("--validation", "F",
        "share of the training images held out for validation",
        v => v >= 0 && v < 1, "a fraction in [0, 1)");
    private readonly Option<bool> _noAugment = Flag("--no-augment", "no random changes to the training images");
    private readonly Option<string> _zoom = Text("--zoom", "MIN,MAX",
        "the augmentation's zoom range; below 1 is a looser crop (e.g. 0.5,1.1)");

    private readonly Option<string> _head = Choice("--head",
        "the head on the frozen features (transfer models; preset: anchored for transfer, logreg for the others); anchored: the shipped gender head plus a penalised correction (transfer, transfer-fusion)",
        "logreg", "mlp", "gbdt", "anchored");
    private readonly Option<double?> _anchorPenalty = Number("--anchor-penalty", "L",
        "--head anchored: the pull toward the shipped head (preset: the best of 0.1, 0.03, 0.01 on the validation part)", x => x > 0, "a positive number");
    private readonly Option<double?> _distillation = Number("--distillation", "A",
        "--head anchored: weight of the shipped head's P(male) in the training targets (preset for transfer: the best of 0.5, 0.65, 0.8 on the validation part; otherwise 0)", x => x >= 0 && x <= 1, "a weight in [0, 1]");
    private readonly Option<bool> _excludeSuspects = Flag("--exclude-suspects",
        "leave out training images whose label an out-of-fold model finds unlikely (as data screen; transfer models; preset for transfer)");
    private readonly Option<bool> _keepSuspects = Flag("--keep-suspects",
        "train on every image, those whose label looks wrong included (transfer's preset leaves them out)");
    private readonly Option<string> _canonicalMargin = CanonicalMargin(
        "re-crop each image to its detected face box widened by M per side, or none (transfer models; preset: 0)");
    private readonly Option<int?> _canonicalDetector = Int("--canonical-detector", "N",
        "the tiny detector's input side for canonical framing, a multiple of 32 (preset: 160 for transfer-resnet, 224 for the others)", 32, 1024,
        size => size % 32 == 0, "a multiple of 32 between 32 and 1024 (160 or 224)");
    private readonly Option<bool> _detectFaces = Flag("--detect-faces",
        "the images are full photos: use the largest face the SSD detector finds (transfer models)");
    private readonly Option<string> _resnetFeatures = Choice("--resnet-features",
        "what is read out of the face ResNet (transfer, transfer-resnet, transfer-fusion; preset: stages, descriptor for transfer-fusion)", "descriptor", "stages");
    private readonly Option<bool> _noMirror = Flag("--no-mirror",
        "do not average each prediction with the mirror image's (transfer models)");

    private readonly Option<bool> _fineTune = Flag("--fine-tune",
        "fine-tune the face ResNet's last stage with the head (transfer-resnet)");
    private readonly Option<int?> _fineTuneEpochs = Int("--fine-tune-epochs", "N", "fine-tuning epochs", 0);
    private readonly Option<double?> _fineTuneLr = Number("--fine-tune-lr", "X",
        "fine-tuning learning rate of the stage", x => x >= 0, "0 or more");
    private readonly Option<double?> _fineTuneHeadLr = Number("--fine-tune-head-lr", "X",
        "fine-tuning learning rate of the head", x => x >= 0, "0 or more");
    private readonly Option<int?> _fineTuneBatch = Int("--fine-tune-batch", "N", "fine-tuning batch size", 1);
    private readonly Option<int?> _fineTunePatience = Int("--fine-tune-patience", "N",
        "fine-tuning early-stopping patience", 0);
    private readonly Option<string> _fineTuneFlips = Choice("--fine-tune-flips",
        "mirror images in fine-tuning: in training, at test, both or none",
        "both", "train", "test", "none");

    public ModelOptions()
    {
        _zoom.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } text && Zoom(text) is null)
                r.AddError($"--zoom takes MIN,MAX with 0 < MIN ≤ MAX ≤ 4 (e.g. 0.5,1.1), not '{text}'");
        });
    }

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public Command AddTo(Command command) => command.With(
        _imageSize, _rgb, _resize, _frameFaces, _noFrameFaces, _frameMargin, _faceModels, _hidden, _c, _maxIterations,
            _trees, _leaves,
        _epochs, _batch, _lr, _calibration, _seed, _threads, _cache, _patience, _validation, _noAugment, _zoom,
        _head, _anchorPenalty, _distillation, _excludeSuspects, _keepSuspects, _canonicalMargin, _canonicalDetector,
        _detectFaces, _resnetFeatures, _noMirror,
        _fineTune, _fineTuneEpochs, _fineTuneLr, _fineTuneHeadLr, _fineTuneBatch, _fineTunePatience, _fineTuneFlips);

    /// <summary>The options given on the command line.</summary>
    public RecipeFlags Flags(ParseResult r)
    {
        string? margin = r.GetValue(_canonicalMargin);
        return new RecipeFlags
        {
            ImageSize = r.GetValue(_imageSize),
            Rgb = r.GetValue(_rgb),
            Resize = r.GetValue(_resize) switch
            {
                null => null,
                "crop" => ResizeMode.CenterCrop,
                "pad" => ResizeMode.Pad,
                _ => ResizeMode.Stretch,
            },
            FrameFaces = r.GetValue(_frameFaces),
            NoFrameFaces = r.GetValue(_noFrameFaces),
            FrameMargin = r.GetValue(_frameMargin),
            FaceModels = r.GetValue(_faceModels),
            Hidden = r.GetValue(_hidden),
            C = r.GetValue(_c),
            MaxIterations = r.GetValue(_maxIterations),
            Trees = r.GetValue(_trees),
            Leaves = r.GetValue(_leaves),
            Epochs = r.GetValue(_epochs),
            Batch = r.GetValue(_batch),
            LearningRate = r.GetValue(_lr),
            Seed = r.GetValue(_seed),
            Calibration = r.GetValue(_calibration) switch
            {
                null => null,
                "platt" => CalibrationMethod.Platt,
                "sided-power" => CalibrationMethod.SidedPower,
                "none" => CalibrationMethod.None,
                _ => CalibrationMethod.Temperature,
            },
            Threads = r.GetValue(_threads),
            Cache = r.GetValue(_cache),
            Patience = r.GetValue(_patience),
            Validation = r.GetValue(_validation),
            NoAugment = r.GetValue(_noAugment),
            Zoom = r.GetValue(_zoom) is { } zoom ? Zoom(zoom) : null,
            Head = r.GetValue(_head) switch
            {
                null => null,
                "mlp" => TransferHead.Mlp,
                "gbdt" => TransferHead.Gbdt,
                "anchored" => TransferHead.Anchored,
                _ => TransferHead.Logistic,
            },
            AnchorPenalty = r.GetValue(_anchorPenalty),
            Distillation = r.GetValue(_distillation),
            ExcludeSuspects = r.GetValue(_excludeSuspects),
            KeepSuspects = r.GetValue(_keepSuspects),
            CanonicalMargin = CanonicalMarginValue(margin, null),
            NoCanonicalMargin = margin == "none",
            CanonicalDetector = r.GetValue(_canonicalDetector),
            DetectFaces = r.GetValue(_detectFaces),
            ResNetFeatures = r.GetValue(_resnetFeatures) switch
            {
                null => null,
                "descriptor" => FaceResNetFeatures.Descriptor,
                _ => FaceResNetFeatures.StageMeans,
            },
            NoMirror = r.GetValue(_noMirror),
            FineTune = r.GetValue(_fineTune),
            FineTuneEpochs = r.GetValue(_fineTuneEpochs),
            FineTuneLearningRate = r.GetValue(_fineTuneLr),
            FineTuneHeadLearningRate = r.GetValue(_fineTuneHeadLr),
            FineTuneBatch = r.GetValue(_fineTuneBatch),
            FineTunePatience = r.GetValue(_fineTunePatience),
            FineTuneFlips = r.GetValue(_fineTuneFlips),
        };
    }

    // --zoom MIN,MAX: the augmentation's zoom range; null when the text is not such a range.
    private static (float Min, float Max)? Zoom(string text)
    {
        var parts = text.Split(',');
        return parts.Length == 2 && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture,
            out float min)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float max)
            && min > 0 && max >= min && max <= 4
            ? (min, max) : null;
    }
}
