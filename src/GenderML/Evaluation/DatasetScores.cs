using GenderML.Data;

namespace GenderML.Evaluation;

/// <summary>
/// The P(male) a classifier gave the items of a dataset it could read (<see cref="IDatasetScorer"/>).
/// </summary>
/// <param name="Items">The scored items, in dataset order.</param>
/// <param name="PMale">P(male) of each of <paramref name="Items"/>.</param>
/// <param name="Skipped">Items that could not be scored, with the reason (the dataset's own skipped files not
/// included).</param>
/// <param name="Notes">One-line notes on how scoring went: cache hits, images where no face was found.</param>
internal sealed record DatasetScores(IReadOnlyList<DatasetItem> Items, float[] PMale,
    IReadOnlyList<SkippedSample> Skipped, IReadOnlyList<string> Notes)
{
    /// <summary>The model's raw P(male) of each item before its calibration; null when it has none.</summary>
    public float[]? Uncalibrated { get; init; }

    /// <summary>
    /// The scores of <paramref name="items"/> where <paramref name="errors"/>[i] is null; the others skipped with that
    /// reason.
    /// </summary>
    public static DatasetScores Kept(IReadOnlyList<DatasetItem> items, ReadOnlySpan<float> pMale, string?[] errors,
        IReadOnlyList<string> notes)
    {
        var kept = new List<DatasetItem>(items.Count);
        var p = new List<float>(items.Count);
        var skipped = new List<SkippedSample>();
        for (int i = 0; i < items.Count; i++)
        {
            if (errors[i] is { } reason)
            {
                skipped.Add(new SkippedSample(items[i].Path, reason));
                continue;
            }
            kept.Add(items[i]);
            p.Add(pMale[i]);
        }
        return new DatasetScores(kept, [.. p], skipped, notes);
    }
}
