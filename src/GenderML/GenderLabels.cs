using GenderML.Data;

namespace GenderML;

/// <summary>
/// The two classes GenderML predicts (perceived gender presentation: <see cref="Female"/> = 0, <see cref="Male"/> = 1)
/// and the words datasets use for them.
/// </summary>
public static class GenderLabels
{
    /// <summary>The class name of label 0.</summary>
    public const string Female = "female";

    /// <summary>The class name of label 1.</summary>
    public const string Male = "male";

    /// <summary>The class names in label order: female, male.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = [Female, Male];

    /// <summary>Other words for the classes (case-insensitive): female/woman/women/f/girl, male/man/men/m/boy.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["woman"] = Female, ["women"] = Female, ["f"] = Female, ["girl"] = Female, ["girls"] = Female, ["females"] = Female,
        ["man"] = Male, ["men"] = Male, ["m"] = Male, ["boy"] = Male, ["boys"] = Male, ["males"] = Male,
    };

    /// <summary>
    /// The dataset options for gender labels: the class names, the aliases, CelebA's <c>Male</c> column
    /// (1 → male, -1 → female) and UTKFace's codes (0 → male, 1 → female). Add user mappings with
    /// <see cref="DatasetOptions.WithAlias"/>.
    /// </summary>
    public static DatasetOptions Options { get; } = new()
    {
        ClassNames = ClassNames,
        Aliases = Aliases,
        CelebAAttribute = new BinaryAttribute("Male", WhenPositive: Male, WhenNegative: Female),
        UtkFace = new UtkFaceLabels(Code0: Male, Code1: Female),
    };
}
