namespace GenderML.Core.Serialization;

/// <summary>Compares an expected set of named shapes with a found one and reports every difference at once.</summary>
internal static class TensorSetCheck
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming each missing, extra and misshapen tensor of <paramref name="found"/>.</summary>
    internal static void ThrowIfMismatched(string what, IReadOnlyList<KeyValuePair<string, int[]>> expected, IReadOnlyDictionary<string, int[]> found)
    {
        var problems = new List<string>();
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            expectedNames.Add(name);
            if (!found.TryGetValue(name, out int[]? foundShape))
                problems.Add($"missing '{name}' (expected shape {FormatShape(shape)})");
            else if (!foundShape.AsSpan().SequenceEqual(shape))
                problems.Add($"'{name}' has shape {FormatShape(foundShape)}, expected {FormatShape(shape)}");
        }
        foreach (string name in found.Keys.Where(n => !expectedNames.Contains(n)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected '{name}' (shape {FormatShape(found[name])})");
        if (problems.Count > 0)
            throw new InvalidDataException($"{what}: {string.Join("; ", problems)}");
    }

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
