namespace GenderML.Classifiers;

/// <summary>The frozen pretrained network whose output a transfer model learns from.</summary>
public enum TransferBackbone
{
    /// <summary>face-api's face recognition ResNet (dlib's): the 128-d descriptor of a 150×150 crop.</summary>
    FaceResNet,

    /// <summary>face-api's age/gender TinyXception: the 512 pooled features of a 112×112 crop.</summary>
    Xception,

    /// <summary>Both, fused: the 128-d descriptor, the 512 Xception features and the shipped gender logit (641 features).</summary>
    Fusion,
}

/// <summary>The classifier fitted on the frozen embeddings.</summary>
public enum TransferHead
{
    /// <summary>L-BFGS logistic regression on standardised features.</summary>
    Logistic,

    /// <summary>A small MLP (one hidden ReLU layer) on standardised features, trained with Adam.</summary>
    Mlp,

    /// <summary>Gradient-boosted trees (FastTree-style, <see cref="TransferRecipe.Boosting"/>) on the embeddings.</summary>
    Gbdt,

    /// <summary>
    /// Fusion backbone only: a logistic head that starts at face-api's shipped gender head (weight 1 on its logit, 0 on
    /// every other feature) and is penalised for straying from it (<see cref="TransferRecipe.AnchorPenalties"/>),
    /// optionally fitted to targets mixed with the shipped head's probabilities (<see cref="TransferRecipe.Distillations"/>).
    /// </summary>
    Anchored,
}

/// <summary>
/// Transfer learning: each image goes once through a frozen face-api network (<see cref="Backbone"/>) to an embedding,
/// cached on disk by the file's content hash; a <see cref="Head"/> is fitted on the standardised embeddings. Images are
/// preprocessed as face-api does (centred zero padding, TensorFlow's legacy bilinear resize from the original image),
/// after the framing of <see cref="ClassifierRecipe.Preprocessing"/>: <see cref="FaceFraming.Canonical"/> re-crops each
/// image to its detected face, <see cref="FaceFraming.ForPhotos"/> takes full photos (those without a face are left out
/// and listed in <see cref="TrainingResult.Skipped"/>), null takes each image as the face crop.
/// </summary>
/// <param name="Backbone">The frozen network.</param>
public sealed record TransferRecipe(TransferBackbone Backbone) : ClassifierRecipe
{
    /// <inheritdoc/>
    public override string Kind => Head == TransferHead.Anchored && Backbone == TransferBackbone.Fusion ? "transfer" : KindOf(Backbone);

    /// <summary>The head. Default logistic regression.</summary>
    public TransferHead Head { get; init; } = TransferHead.Logistic;

    /// <summary>The tree settings of the <see cref="TransferHead.Gbdt"/> head (the seed and threads come from the training options).</summary>
    public Trees.GradientBoostingOptions Boosting { get; init; } = new();

    /// <summary>Inverse L2 strengths tried for the logistic head; the one with the best validation log-loss is kept.</summary>
    public IReadOnlyList<double> CValues { get; init; } = [0.01, 0.1, 1.0];

    /// <summary>
    /// Strengths λ of the <see cref="TransferHead.Anchored"/> head's pull toward the shipped head,
    /// (λ/2)·‖(w, b) − (w₀, b₀)‖² beside the mean log-loss; tried with each of <see cref="Distillations"/>, the pair is
    /// chosen on the validation part (the first of each without one): the least loss of the worst group (label × face-api's
    /// age-estimate band: under 20, 20–39, 40–59, 60+) to the shipped head, then the lowest log-loss.
    /// </summary>
    public IReadOnlyList<double> AnchorPenalties { get; init; } = [0.1, 0.03, 0.01];

    /// <summary>
    /// The weights α in [0, 1] tried (with each of <see cref="AnchorPenalties"/>) for the shipped head's P(male) in the
    /// <see cref="TransferHead.Anchored"/> head's training targets, (1 − α)·label + α·P(male), that P(male) first
    /// temperature-scaled to fit the training labels: 0 fits the labels alone. Default [0].
    /// </summary>
    public IReadOnlyList<double> Distillations { get; init; } = [0];

    /// <summary>
    /// When true, training images whose label looks wrong are left out before the head is fitted: every training image is
    /// scored by a logistic model on the same features fitted to the other folds (<see cref="LabelScreening"/>'s folds,
    /// C and threshold, <see cref="LabelScreeningOptions"/>), and those that give their label a probability below the
    /// threshold are dropped (their count is in the training notes). The validation part is kept as it is.
    /// </summary>
    public bool ExcludeSuspects { get; init; }

    /// <summary>
    /// The framing of <see cref="ClassifierRecipe.Preprocessing"/> with this recipe's <see cref="ModelsFolder"/>
    /// (when set) and <paramref name="threads"/>: a <see cref="FaceFraming"/>, or null (each image is the face crop).
    /// </summary>
    /// <exception cref="ArgumentException">The framing is not a <see cref="FaceFraming"/>.</exception>
    internal FaceFraming? Framing(int threads) => Preprocessing.Framing switch
    {
        null => null,
        FaceFraming f => f.With(ModelsFolder ?? f.ModelsFolder, threads),
        var other => throw new ArgumentException(
            $"TransferRecipe.Preprocessing.Framing is a {other.GetType().Name}; a transfer model takes a FaceFraming " +
            "(FaceFraming.Canonical or FaceFraming.ForPhotos) or null"),
    };

    /// <summary>
    /// The embedder this recipe's head is trained on: the networks its <see cref="Backbone"/> reads, with
    /// <paramref name="framing"/> (<see cref="Framing"/>), images as they are (no mirror).
    /// </summary>
    internal Transfer.Embedder TrainingEmbedder(FaceFraming? framing, int threads) => new(ModelsFolder,
        Transfer.FaceNetClassifier.UsesResNet(Backbone) ? EffectiveResNetFeatures : null, Transfer.FaceNetClassifier.UsesAgeGender(Backbone),
        framing, threads);

    /// <summary>
    /// The backbone's outputs from the embedding cache and the <see cref="Head"/> on them; with
    /// <see cref="FineTune"/>, the face ResNet's prefix from the prefix cache and the last stage trained as the head.
    /// </summary>
    internal override TrainingResult FitStages(Training.TrainingSplit split, Training.TrainingOptions options,
        IProgress<Training.TrainingProgress>? progress, CancellationToken cancellation)
    {
        if (FineTune is not null && (ExcludeSuspects || Head == TransferHead.Anchored))
            throw new ArgumentException("TransferRecipe.FineTune trains its own head on every image: it takes neither ExcludeSuspects nor the anchored head");
        return FineTune is null
            ? Transfer.TransferTrainer.Fit(this, split.Train, split.Validation, options, cancellation, progress)
            : Transfer.FineTuneTrainer.Fit(this, split.Train, split.Validation, options, progress, cancellation);
    }

    /// <summary>
    /// When set (face ResNet backbone, logistic head only), the last residual stage is fine-tuned with the head instead of
    /// fitting a head on frozen descriptors; see <see cref="FineTuneOptions"/>.
    /// </summary>
    public FineTuneOptions? FineTune { get; init; }

    /// <summary>
    /// What is read out of the face ResNet (face ResNet and fusion backbones); null: <see cref="FaceResNetFeatures.StageMeans"/>
    /// for the face ResNet, the descriptor for fusion (the measurements behind the choice: docs/BENCHMARKS-finetune.md).
    /// </summary>
    public FaceResNetFeatures? ResNetFeatures { get; init; }

    /// <summary><see cref="ResNetFeatures"/>, or the backbone's default when it is null.</summary>
    public FaceResNetFeatures EffectiveResNetFeatures => ResNetFeatures
        ?? (Backbone == TransferBackbone.FaceResNet ? FaceResNetFeatures.StageMeans : FaceResNetFeatures.Descriptor);

    /// <summary>
    /// Whether predictions average the embeddings of each image and its mirror image (test-time augmentation: for the
    /// logistic head the mean of the two logits); training uses the images as they are. It doubles the network passes of
    /// prediction only. Null: on for the face ResNet and the anchored head (as <c>pretrained</c>), off otherwise
    /// (docs/BENCHMARKS.md).
    /// </summary>
    public bool? Mirror { get; init; }

    /// <summary><see cref="Mirror"/>, or the backbone's default when it is null.</summary>
    public bool EffectiveMirror => Mirror ?? (Backbone == TransferBackbone.FaceResNet || Head == TransferHead.Anchored);

    /// <summary>A folder of face-api weights to read instead of the packaged ones; null (the default): those.</summary>
    public string? ModelsFolder { get; init; }

    /// <summary>
    /// The model kind of a backbone's plain heads: <c>transfer-resnet</c>, <c>transfer-xception</c> or <c>transfer-fusion</c>
    /// (the anchored head on the fusion backbone is <c>transfer</c>).
    /// </summary>
    public static string KindOf(TransferBackbone backbone) => backbone switch
    {
        TransferBackbone.FaceResNet => "transfer-resnet",
        TransferBackbone.Xception => "transfer-xception",
        _ => "transfer-fusion",
    };
}
