namespace GenderML.Data;

/// <summary>The split names items carry, and the normalisation of split folder names.</summary>
public static class SplitNames
{
    /// <summary>The split of items from a source without splits.</summary>
    public const string All = "all";

    /// <summary>Training data.</summary>
    public const string Train = "train";

    /// <summary>Held-out data for choosing settings.</summary>
    public const string Validation = "validation";

    /// <summary>Held-out data for the final figures.</summary>
    public const string Test = "test";

    /// <summary>
    /// Normalises a split folder or column name: <c>train</c>/<c>training</c> → <see cref="Train"/>,
    /// <c>val</c>/<c>valid</c>/<c>validation</c>/<c>dev</c> → <see cref="Validation"/>,
    /// <c>test</c>/<c>testing</c> → <see cref="Test"/> (case-insensitive); any other name is kept, lower-cased.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string lower = name.Trim().ToLowerInvariant();
        return lower switch
        {
            "train" or "training" => Train,
            "val" or "valid" or "validation" or "dev" => Validation,
            "test" or "testing" => Test,
            "" => All,
            _ => lower,
        };
    }
}
