namespace GenderML.Data;

/// <summary>
/// The label vocabulary a loader resolves folder names and CSV labels against: the class names (their order
/// gives the class indices) plus aliases, matched case-insensitively after trimming.
/// </summary>
/// <remarks>
/// This layer knows no particular task: the caller gives the classes (for example GenderML's
/// <c>GenderLabels.Options</c>). User mappings are more aliases: <c>options.WithAlias("frau", "female")</c>.
/// </remarks>
public sealed record DatasetOptions
{
    /// <summary>The classes, in label-index order. At least two, distinct ignoring case.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Other words for the classes: alias → class name (matched ignoring case).</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();

    /// <summary>How <see cref="Dataset.Load"/> reads a CelebA attribute table; null when CelebA is not expected.</summary>
    public BinaryAttribute? CelebAAttribute { get; init; }

    /// <summary>How <see cref="Dataset.Load"/> maps UTKFace's label codes; null when UTKFace is not expected.</summary>
    public UtkFaceLabels? UtkFace { get; init; }

    /// <summary>A copy with one more alias (a user mapping), replacing an existing alias of the same word.</summary>
    public DatasetOptions WithAlias(string alias, string className)
    {
        var aliases = new Dictionary<string, string>(Aliases, StringComparer.OrdinalIgnoreCase) { [alias] = className };
        return this with { Aliases = aliases };
    }
}

/// <summary>A ±1 attribute column of a table (such as CelebA's <c>Male</c>) mapped to two class names.</summary>
/// <param name="Column">The column's header, such as <c>Male</c>.</param>
/// <param name="WhenPositive">The class name of rows with value 1.</param>
/// <param name="WhenNegative">The class name of rows with value -1 (or 0).</param>
public sealed record BinaryAttribute(string Column, string WhenPositive, string WhenNegative);

/// <summary>The class names of UTKFace's label field (<c>age_LABEL_race_date.jpg</c>) codes 0 and 1.</summary>
/// <param name="Code0">The class name of code 0.</param>
/// <param name="Code1">The class name of code 1.</param>
public sealed record UtkFaceLabels(string Code0, string Code1);
