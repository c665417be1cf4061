using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace GenderML.Cli;

/// <summary>
/// Builders of the options several commands share, each with its help text and the checks the parser makes on its value
/// (a value out of range is a one-line usage error before any work starts).
/// </summary>
internal static class CliOptions
{
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<string> Text(string name, string helpName, string description, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    /// <summary>An option that takes one of <paramref name="values"/>.</summary>
    public static Option<string> Choice(string name, string description, params string[] values) => new(name)
    {
        Description = description,
        HelpName = string.Join('|', values),
        CustomParser = r => Parse(r, name, text => values.Contains(text, StringComparer.Ordinal) ? text : null,
            $"one of {string.Join(", ", values)}"),
    };

    /// <summary>A whole-number option in [<paramref name="min"/>, <paramref name="max"/>]; null when absent.</summary>
    /// <remarks>When given, <paramref name="valid"/> checks the value further and <paramref name="takes"/> says what it
    /// takes.</remarks>
    public static Option<int?> Int(string name, string helpName, string description, int min, int max = int.MaxValue,
        Func<int, bool>? valid = null, string? takes = null) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r => Parse<int?>(r, name,
            text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min
                && v <= max
                && (valid is null || valid(v)) ? v : null,
            takes ?? (min == int.MinValue ? "a whole number" : max == int.MaxValue ? $"a whole number, {min} or more"
                : $"a whole number, {min}–{max}")),
    };

    /// <summary>A number option checked by <paramref name="valid"/> (<paramref name="range"/> says what it takes); null
    /// when absent.</summary>
    public static Option<double?> Number(string name, string helpName, string description, Func<double, bool> valid,
        string range) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r => Parse<double?>(r, name,
            text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && valid(v)
                ? v : null, range),
    };

    /// <summary>The option's single value read by <paramref name="read"/>, or a one-line error saying what it
    /// takes.</summary>
    private static T? Parse<T>(ArgumentResult r, string name, Func<string, T?> read, string takes)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (read(text) is { } value) return value;
        r.AddError($"{name} takes {takes}, not '{text}'");
        return default;
    }

    /// <summary>An existing folder.</summary>
    public static Option<string> Folder(string name, string helpName, string description)
    {
        var o = Text(name, helpName, description);
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } path && !Directory.Exists(path))
                r.AddError($"{name}: no folder {path}");
        });
        return o;
    }

    /// <summary>
    /// <c>--abstain LOW-HIGH</c>: predictions with P(male) in the band abstain; the bare flag takes the library's
    /// <see cref="AbstainBand.Default"/>.
    /// </summary>
    public static Option<AbstainBand?> Abstain() => new("--abstain")
    {
        Description = "abstain where P(male) lies in LOW-HIGH (alone: the library's default band, 0.35-0.65)",
        HelpName = "LOW-HIGH",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return AbstainBand.Default;
            try
            {
                return AbstainBand.Parse(r.Tokens[0].Value);
            }
            catch (FormatException e)
            {
                r.AddError($"--abstain: {e.Message}");
                return null;
            }
        },
    };

    public static Option<int?> Threads() => Int("--threads", "N", "threads (default: every core)", 1);

    public static Option<bool> Json(string what = "the result as JSON") => Flag("--json", what);

    public static Option<string> FaceModels() => Folder("--face-models", "DIR",
        "a folder of face-api weights to read instead of the packaged ones (e.g. models/face-api of a checkout)");

    /// <summary><c>--canonical-margin M|none</c>.</summary>
    public static Option<string> CanonicalMargin(string description)
    {
        var o = Text("--canonical-margin", "M|none", description);
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } text && text != "none" && ParseMargin(text) is null)
                r.AddError($"--canonical-margin takes a fraction in [0, 1] or none, not '{text}'");
        });
        return o;
    }

    /// <summary>The value of a <see cref="CanonicalMargin"/> option: absent → <paramref name="fallback"/>, <c>none</c>
    /// → null.</summary>
    public static double? CanonicalMarginValue(string? text, double? fallback) => text switch
    {
        null => fallback,
        "none" => null,
        _ => ParseMargin(text),
    };

    private static double? ParseMargin(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m >= 0 && m <= 1 ? m
            : null;

    /// <summary>Rejects the option's value unless it ends with one of <paramref name="extensions"/>.</summary>
    public static Option<string> WithExtension(this Option<string> o, params string[] extensions)
    {
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } path && !extensions.Any(e => path.EndsWith(e,
                StringComparison.OrdinalIgnoreCase)))
                r.AddError($"{o.Name} takes a {string.Join(" or ", extensions)} file, not '{path}'");
        });
        return o;
    }

    /// <summary>Adds <paramref name="symbols"/> to <paramref name="command"/>.</summary>
    public static Command With(this Command command, params Symbol[] symbols)
    {
        foreach (var s in symbols)
        {
            switch (s)
            {
                case Option o: command.Options.Add(o); break;
                case Argument a: command.Arguments.Add(a); break;
                case Command c: command.Subcommands.Add(c); break;
            }
        }
        return command;
    }
}
