namespace GenderML.Data;

/// <summary>Resolves words (folder names, CSV labels) to class indices via class names and aliases, ignoring case.</summary>
internal sealed class LabelResolver
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    public LabelResolver(DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.ClassNames);
        if (options.ClassNames.Count < 2)
            throw new ArgumentException("DatasetOptions.ClassNames needs at least two classes", nameof(options));
        ClassNames = [.. options.ClassNames];
        for (int i = 0; i < ClassNames.Length; i++)
        {
            string name = ClassNames[i];
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a class name is empty", nameof(options));
            if (!_index.TryAdd(name.Trim(), i))
                throw new ArgumentException($"class name '{name}' is listed twice (names are compared ignoring case)", nameof(options));
        }
        foreach (var (alias, target) in options.Aliases ?? new Dictionary<string, string>())
        {
            if (!_index.TryGetValue(target.Trim(), out int label) || !string.Equals(ClassNames[label], target.Trim(), StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"alias '{alias}' maps to '{target}', which is not one of the classes ({string.Join(", ", ClassNames)})", nameof(options));
            _index[alias.Trim()] = label;
        }
    }

    /// <summary>The class names, in label order.</summary>
    public string[] ClassNames { get; }

    /// <summary>The class index of <paramref name="word"/>, or -1 when it is not a class name or alias.</summary>
    public int Resolve(string word) => _index.TryGetValue(word.Trim(), out int label) ? label : -1;

    /// <summary>The words accepted, for error messages.</summary>
    public string Known() => string.Join(", ", _index.Keys.Order(StringComparer.Ordinal));

    /// <summary>The reason text for a label that resolves to no class.</summary>
    public string UnknownReason(string what, string word) =>
        $"{what} '{word}' is not a known class ({string.Join(", ", ClassNames)}; accepted words: {Known()}); add a mapping with DatasetOptions.WithAlias";
}
