namespace GenderML.Classifiers;

/// <summary>What a transfer model reads out of the frozen face ResNet for each image.</summary>
public enum FaceResNetFeatures
{
    /// <summary>The 128-d face descriptor: dlib's identity embedding, the final layer's spatial mean times its fc matrix.</summary>
    Descriptor,

    /// <summary>
    /// The spatial means of the last three stages' outputs (640 features): the final 2×2×256 map (the descriptor's input),
    /// <c>conv256_2</c> (4×4×256) and <c>conv128_2</c> (8×8×128). The descriptor is trained to keep identity, not gender,
    /// and the earlier stages hold gender cues it drops. Means, not the maps themselves, so the features do not care where
    /// in the crop the face sits (the maps themselves did worse on looser framings: docs/BENCHMARKS-finetune.md).
    /// </summary>
    StageMeans,
}
