namespace GenderML.Batch;

/// <summary>What a batch job computes for each image.</summary>
public enum BatchKind
{
    /// <summary>P(male) and the label of each image (or of each face, for a model that takes photos), as <c>predict</c>.</summary>
    Predict,

    /// <summary>The frozen-network embedding a transfer recipe trains its head on.</summary>
    Embed,

    /// <summary>The faces a face-api detector finds: box and score.</summary>
    Detect,

    /// <summary>Whether each file decodes, and its size.</summary>
    Inspect,
}
