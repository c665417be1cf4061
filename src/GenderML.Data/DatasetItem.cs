namespace GenderML.Data;

/// <summary>One labelled image of a <see cref="Dataset"/>.</summary>
/// <param name="Path">The image file's full path.</param>
/// <param name="Label">The class index into <see cref="Dataset.ClassNames"/>.</param>
/// <param name="ClassName">The class name, <c>Dataset.ClassNames[Label]</c>.</param>
/// <param name="Split">The split it belongs to: <c>train</c>, <c>validation</c>, <c>test</c>, another folder's
/// name, or <see cref="SplitNames.All"/> when the source has no splits.</param>
/// <param name="Metadata">Extra facts from the source (for UTKFace: <c>age</c>, <c>race</c>); empty when none.</param>
public sealed record DatasetItem(string Path, int Label, string ClassName, string Split, IReadOnlyDictionary<string, string> Metadata)
{
    internal static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The named groups the image belongs to, facet → group (UTKFace: <c>age band</c> and <c>ethnicity</c>; a CSV
    /// manifest's <c>age band</c>, <c>ethnicity</c> and <c>group</c> columns); empty when the source names none.
    /// Evaluation reports accuracy per group of every facet.
    /// </summary>
    public IReadOnlyDictionary<string, string> Groups { get; init; } = NoMetadata;
}
