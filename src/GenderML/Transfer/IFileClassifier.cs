namespace GenderML.Transfer;

/// <summary>
/// A face-api based model that reads image files itself, through a disk cache of per-file network outputs keyed by
/// content hash, instead of pixel-cache samples.
/// </summary>
internal interface IFileClassifier
{
    /// <summary>What the disk cache holds, for progress notes ("embeddings", "prefixes").</summary>
    string CachedOutputs { get; }

    /// <summary>The canonical-framing margin, or null when images are taken whole.</summary>
    double? CanonicalMargin { get; }

    /// <summary>Cache hits, computed outputs and faces not found in the last <see cref="ProbabilitiesOfFiles"/> call.</summary>
    EmbeddingStats? LastStats { get; }

    /// <summary>P(male) of each file; a file that cannot be used gets its reason in <paramref name="errors"/>.</summary>
    float[] ProbabilitiesOfFiles(IReadOnlyList<string> paths, string cacheFolder, double? reframe, string?[] errors, CancellationToken cancellation = default);
}
