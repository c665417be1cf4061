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
}

/// <summary>
/// Transfer learning: each image goes once through a frozen face-api network (<see cref="Backbone"/>) to an embedding,
/// cached on disk by the file's content hash; a <see cref="Head"/> is fitted on the standardised embeddings. Images are
/// preprocessed as face-api does (centred zero padding, TensorFlow's legacy bilinear resize from the original image).
/// </summary>
/// <param name="Backbone">The frozen network.</param>
public sealed record TransferRecipe(TransferBackbone Backbone) : ClassifierRecipe
{
    /// <inheritdoc/>
    public override string Kind => KindOf(Backbone);

    /// <summary>The head. Default logistic regression.</summary>
    public TransferHead Head { get; init; } = TransferHead.Logistic;

    /// <summary>The tree settings of the <see cref="TransferHead.Gbdt"/> head (the seed and threads come from the training options).</summary>
    public Trees.GradientBoostingOptions Boosting { get; init; } = new();

    /// <summary>Inverse L2 strengths tried for the logistic head; the one with the best validation log-loss is kept.</summary>
    public IReadOnlyList<double> CValues { get; init; } = [0.01, 0.1, 1.0];

    /// <summary>
    /// When set, each image is first re-cropped to its largest detected face box widened by this margin on every side
    /// (a fraction of the box side; canonical framing, for training and prediction alike); images without a face are
    /// used whole and counted. Null: the image is taken as the face crop.
    /// </summary>
    public double? CanonicalMargin { get; init; }

    /// <summary>
    /// The tiny face detector's input side for canonical framing, a multiple of 32; null: 160 for the face ResNet, 224
    /// for the backbones with the age/gender net (the measurements behind both: docs/BENCHMARKS.md).
    /// </summary>
    public int? CanonicalDetectorSize { get; init; }

    /// <summary><see cref="CanonicalDetectorSize"/>, or the backbone's default when it is null.</summary>
    public int EffectiveCanonicalDetectorSize => CanonicalDetectorSize
        ?? (Backbone == TransferBackbone.FaceResNet ? FaceFraming.LegacyDetectorSize : FaceFraming.DefaultDetectorSize);

    /// <summary>
    /// The framing these settings describe: <see cref="FaceFraming.Canonical"/> with <see cref="CanonicalMargin"/> and
    /// <see cref="EffectiveCanonicalDetectorSize"/>; for <see cref="DetectFaces"/>, the SSD detector's; null: none.
    /// </summary>
    internal FaceFraming? Framing(string? modelsFolder, int threads) => DetectFaces
        ? FaceFraming.ForPhotos(CanonicalMargin ?? 0, modelsFolder, threads)
        : CanonicalMargin is { } margin ? FaceFraming.Canonical(margin, EffectiveCanonicalDetectorSize, modelsFolder, threads) : null;

    /// <summary>
    /// Full photos: each image's largest face found by the SSD detector is cut out (widened by <see cref="CanonicalMargin"/>
    /// when set); photos without a face are left out and listed in <see cref="TrainingResult.Skipped"/> (and in evaluation reports).
    /// </summary>
    public bool DetectFaces { get; init; }

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
    /// prediction only. Null: on for the face ResNet, off for the other backbones (docs/BENCHMARKS.md).
    /// </summary>
    public bool? Mirror { get; init; }

    /// <summary><see cref="Mirror"/>, or the backbone's default when it is null.</summary>
    public bool EffectiveMirror => Mirror ?? Backbone == TransferBackbone.FaceResNet;

    /// <summary>A folder of face-api weights to read instead of the packaged ones; null (the default): those.</summary>
    public string? ModelsFolder { get; init; }

    /// <summary>The model kind of a backbone: <c>transfer</c>, <c>transfer-xception</c> or <c>transfer-fusion</c>.</summary>
    public static string KindOf(TransferBackbone backbone) => backbone switch
    {
        TransferBackbone.FaceResNet => "transfer",
        TransferBackbone.Xception => "transfer-xception",
        _ => "transfer-fusion",
    };
}
