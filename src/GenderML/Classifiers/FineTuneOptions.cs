namespace GenderML.Classifiers;

/// <summary>
/// Fine-tuning of the face ResNet's last residual stage (<c>conv256_down</c> … <c>conv256_down_out</c>) for
/// <see cref="TransferRecipe.FineTune"/>: the frozen prefix (stem … <c>conv128_2</c>) runs once per image and its
/// 128×8×8 output is cached on disk; the stage, initialised from the pretrained weights, and a logistic head on its
/// 256 pooled features, initialised from a logistic fit on the pretrained stage's features, are trained with AdamW on
/// binary cross-entropy; the epoch with the best validation log-loss is kept.
/// </summary>
public sealed record FineTuneOptions
{
    /// <summary>Passes over the training images at the most. Default 6.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>
    /// AdamW step size of each residual-stage tensor relative to its root-mean-square value (the pretrained filters are
    /// ~1e-3, dlib's scales ~5): a tensor of RMS r steps by r × this. Cosine-annealed to 0. Default 3e-3.
    /// </summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>The same for the head's weight and bias. Default 3e-3.</summary>
    public double HeadLearningRate { get; init; } = 3e-3;

    /// <summary>Decoupled weight decay λ of both. Default 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Images per step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Stop when validation log-loss has not improved for this many epochs (0 = never). Default 2.</summary>
    public int Patience { get; init; } = 2;

    /// <summary>Train on the mirror image too (each step takes the image or its mirror at random). Default true.</summary>
    public bool FlipTrain { get; init; } = true;

    /// <summary>Predict from the mean logit of the image and its mirror. Default true.</summary>
    public bool FlipTest { get; init; } = true;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"fine-tune epochs must be 0 or more, not {Epochs}");
        if (!(LearningRate >= 0) || !(HeadLearningRate >= 0)) throw new ArgumentException("fine-tune learning rates must be 0 or more");
        if (!(WeightDecay >= 0)) throw new ArgumentException("fine-tune weight decay must be 0 or more");
        if (BatchSize < 1) throw new ArgumentException($"fine-tune batch size must be 1 or more, not {BatchSize}");
        if (Patience < 0) throw new ArgumentException($"fine-tune patience must be 0 or more, not {Patience}");
    }
}
