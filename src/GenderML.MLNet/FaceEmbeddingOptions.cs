using GenderML.Classifiers;

namespace GenderML.MLNet;

/// <summary>
/// Settings of <see cref="GenderMLCatalog.FaceEmbedding"/>; the defaults give the features of the <c>transfer</c> preset
/// (<see cref="ClassifierPresets"/>): its canonical face framing, the face ResNet's stage means and its mirror averaging.
/// </summary>
public sealed record FaceEmbeddingOptions
{
    private static readonly TransferRecipe Transfer = (TransferRecipe)ClassifierPresets.Create("transfer");

    /// <summary>
    /// The framing each image gets before the network: re-cropped to its face (<see cref="FaceFraming.Canonical"/>), or
    /// null to take each image as the face crop. Default: the <c>transfer</c> preset's.
    /// </summary>
    public FaceFraming? Framing { get; init; } = (FaceFraming?)Transfer.Preprocessing.Framing;

    /// <summary>Whether each embedding is the mean of the image's and its mirror image's. Default: the <c>transfer</c> preset's.</summary>
    public bool Mirror { get; init; } = Transfer.EffectiveMirror;

    /// <summary>Threads for the networks (0: every core).</summary>
    public int Threads { get; init; }

    /// <summary>The length of the output vector: the 640 stage means of <see cref="FaceResNetFeatures.StageMeans"/>.</summary>
    public const int Length = 640;
}
