using System.Globalization;

namespace GenderML.Cli;

/// <summary>
/// The arguments of one subcommand: positional values, <c>--flag</c> switches and <c>--name value</c> options.
/// Every option a command reads is marked as known; <see cref="ThrowOnUnknown"/> then rejects the rest.
/// </summary>
internal sealed class CliArgs
{
    private readonly List<string> _positional = [];
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    /// <param name="args">The words after the command's name.</param>
    /// <param name="switches">Option names that take no value, such as <c>--json</c>.</param>
    public CliArgs(IEnumerable<string> args, params string[] switches)
    {
        var isSwitch = new HashSet<string>(switches, StringComparer.Ordinal);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string word = e.Current;
            if (!word.StartsWith("--", StringComparison.Ordinal) || word == "--")
            {
                _positional.Add(word);
                continue;
            }
            int eq = word.IndexOf('=');
            if (eq > 0) { _options[word[..eq]] = word[(eq + 1)..]; continue; }
            if (isSwitch.Contains(word)) { _options[word] = null; continue; }
            if (!e.MoveNext()) throw new UsageException($"{word} needs a value");
            _options[word] = e.Current;
        }
        foreach (string s in switches) _known.Add(s);
    }

    /// <summary>The words that are not options, in order.</summary>
    public IReadOnlyList<string> Positional => _positional;

    /// <summary>True when the switch was given.</summary>
    public bool Flag(string name) { _known.Add(name); return _options.ContainsKey(name); }

    /// <summary>The option's value, or null when absent.</summary>
    public string? String(string name) { _known.Add(name); return _options.TryGetValue(name, out var v) ? v : null; }

    /// <summary>The option's value, or a usage error naming it when absent.</summary>
    public string Required(string name) => String(name) ?? throw new UsageException($"{name} is required");

    /// <summary>The option as an integer, or <paramref name="fallback"/> when absent.</summary>
    public int Int(string name, int fallback)
    {
        string? v = String(name);
        if (v is null) return fallback;
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x)
            ? x : throw new UsageException($"{name} takes a whole number, not '{v}'");
    }

    /// <summary>The option as a number, or <paramref name="fallback"/> when absent.</summary>
    public double Double(string name, double fallback)
    {
        string? v = String(name);
        if (v is null) return fallback;
        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            ? x : throw new UsageException($"{name} takes a number, not '{v}'");
    }

    /// <summary>Rejects options that no call above asked for (a typo should not be ignored).</summary>
    public void ThrowOnUnknown()
    {
        foreach (string name in _options.Keys)
            if (!_known.Contains(name)) throw new UsageException($"unknown option {name}");
    }
}

/// <summary>A mistake in the command line: reported with the usage text, exit code 1.</summary>
internal sealed class UsageException(string message) : Exception(message);
