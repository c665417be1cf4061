using System.Globalization;
using GenderML.Classifiers;
using GenderML.Training;

namespace GenderML;

/// <summary>
/// One setting of a hyperparameter search: values by name (<c>c</c> for logistic regression; <c>lr</c>, <c>epochs</c>,
/// <c>hidden</c>, <c>batch</c> for networks), applied to a recipe and training options by <see cref="Apply"/>.
/// </summary>
/// <param name="Values">The hyperparameters of this setting, by name.</param>
public sealed record TuningSetting(IReadOnlyDictionary<string, double> Values)
{
    /// <summary>The names a search may vary, for logistic regression and for networks.</summary>
    public static IReadOnlyList<string> Names { get; } = ["c", "lr", "epochs", "hidden", "batch"];

    /// <summary>The recipe and options with this setting's values put in.</summary>
    /// <exception cref="ArgumentException">A name that does not fit the recipe (e.g. <c>lr</c> for logistic regression).</exception>
    public (ClassifierRecipe Recipe, TrainingOptions Options) Apply(ClassifierRecipe recipe, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, v) in Values)
        {
            (recipe, options) = (name, recipe) switch
            {
                ("c", LogisticRegressionRecipe r) => (r with { C = v }, options),
                ("lr", NeuralNetworkRecipe) => (recipe, options with { LearningRate = v }),
                ("epochs", NeuralNetworkRecipe) => (recipe, options with { Epochs = (int)v }),
                ("batch", NeuralNetworkRecipe) => (recipe, options with { BatchSize = (int)v }),
                ("hidden", NeuralNetworkRecipe r) => (r with { HiddenUnits = (int)v }, options),
                _ => throw new ArgumentException($"'{name}' cannot be tuned for {recipe.Kind} (logreg: c; networks: lr, epochs, hidden, batch)", nameof(recipe)),
            };
        }
        return (recipe, options);
    }

    /// <summary>The values as <c>name=value</c> pairs, comma-separated, in invariant culture.</summary>
    public override string ToString() => string.Join(", ", Values.Select(kv => kv.Key + "=" + kv.Value.ToString("G6", CultureInfo.InvariantCulture)));
}

/// <summary>The values a search tries: a grid (every combination) or a number of random draws from it.</summary>
public static class TuningSpace
{
    /// <summary>
    /// Parses <c>"c=0.001,0.01,0.1,1"</c> or <c>"lr=0.001,0.003; epochs=5,10"</c> (parameters separated by <c>;</c>)
    /// into name → candidate values.
    /// </summary>
    /// <exception cref="FormatException">A part is not <c>name=v1,v2,…</c> with numbers, or a name is not one of <see cref="TuningSetting.Names"/>.</exception>
    public static IReadOnlyDictionary<string, double[]> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var space = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"'{part}' is not name=v1,v2,…");
            string name = part[..eq].Trim().ToLowerInvariant();
            if (!TuningSetting.Names.Contains(name)) throw new FormatException($"unknown hyperparameter '{name}' (one of {string.Join(", ", TuningSetting.Names)})");
            var values = part[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) && x > 0
                    ? x : throw new FormatException($"{name}: '{v}' is not a positive number")).ToArray();
            if (values.Length == 0) throw new FormatException($"{name} has no values");
            space[name] = values;
        }
        if (space.Count == 0) throw new FormatException("the grid is empty; e.g. c=0.001,0.01,0.1,1");
        return space;
    }

    /// <summary>The default space of a recipe: C over 10⁻⁴…10 for logistic regression; learning rate, epochs and hidden units for networks.</summary>
    public static IReadOnlyDictionary<string, double[]> Default(ClassifierRecipe recipe) => recipe is LogisticRegressionRecipe
        ? new Dictionary<string, double[]> { ["c"] = [1e-4, 1e-3, 1e-2, 0.1, 1, 10] }
        : new Dictionary<string, double[]> { ["lr"] = [3e-4, 1e-3, 3e-3], ["epochs"] = [5, 10], ["hidden"] = [64, 128] };

    /// <summary>Every combination of the values, the first name varying slowest.</summary>
    public static IReadOnlyList<TuningSetting> Grid(IReadOnlyDictionary<string, double[]> space)
    {
        ArgumentNullException.ThrowIfNull(space);
        IEnumerable<Dictionary<string, double>> all = [new Dictionary<string, double>(StringComparer.Ordinal)];
        foreach (var (name, values) in space)
            all = all.SelectMany(d => values.Select(v => new Dictionary<string, double>(d, StringComparer.Ordinal) { [name] = v })).ToList();
        return [.. all.Select(d => new TuningSetting(d))];
    }

    /// <summary><paramref name="count"/> distinct settings drawn from the grid with <paramref name="seed"/> (all of it when it is smaller).</summary>
    public static IReadOnlyList<TuningSetting> Random(IReadOnlyDictionary<string, double[]> space, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var grid = Grid(space).ToArray();
        new Random(seed).Shuffle(grid);
        return grid.Take(count).ToArray();
    }
}
