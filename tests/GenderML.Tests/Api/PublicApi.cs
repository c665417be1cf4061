using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace GenderML.Tests.Api;

/// <summary>
/// The public types of an assembly with their XML summaries (read from the documentation file beside it), and the
/// Markdown table of docs/API.md made from them.
/// </summary>
internal sealed partial class PublicApi
{
    private PublicApi(IReadOnlyList<(Type Type, string Summary)> types,
        IReadOnlyList<(string Id, string Summary)> members)
    {
        Types = types;
        Members = members;
    }

    /// <summary>Every public type, by namespace and name, with its summary as one line of text ("" if none).</summary>
    public IReadOnlyList<(Type Type, string Summary)> Types { get; }

    /// <summary>
    /// The documented members of the public types (by documentation id, <c>P:GenderML.X.Y</c>) and their summaries.
    /// </summary>
    public IReadOnlyList<(string Id, string Summary)> Members { get; }

    /// <summary>Reads <paramref name="assembly"/>'s public types and the <c>.xml</c> documentation beside it.</summary>
    public static PublicApi Of(Assembly assembly)
    {
        string xmlPath = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(xmlPath))
            throw new InvalidOperationException($"{xmlPath}: no XML documentation file beside the assembly");
        var summaries = XDocument.Load(xmlPath).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => PlainText(m.Element("summary")!));
        var types = assembly.GetExportedTypes()
            .OrderBy(t => t.Namespace, StringComparer.Ordinal).ThenBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (t, summaries.GetValueOrDefault("T:" + t.FullName!.Replace('+', '.'), "")))
            .ToList();
        var owners = types.Select(t => t.Item1.FullName!.Replace('+', '.')).ToHashSet();
        var members = summaries
            .Where(kv => !kv.Key.StartsWith("T:", StringComparison.Ordinal) && owners.Contains(Owner(kv.Key)))
            .Select(kv => (kv.Key, kv.Value)).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        return new PublicApi(types, members);
    }

    private static string Owner(string memberId)
    {
        string name = memberId[2..];
        int paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        int dot = name.LastIndexOf('.');
        return dot < 0 ? "" : name[..dot];
    }

    /// <summary>The text of docs/API.md for the assembly named <paramref name="package"/>.</summary>
    public string Markdown(string package, string regenerate)
    {
        var text = new StringBuilder();
        text.Append("# Public API of the ").Append(package).Append(" package\n\n");
        text.Append("Generated from the assembly and its XML documentation; do not edit by hand. ")
            .Append(regenerate).Append("\n\n");
        text.Append(Types.Count).Append(" public types.\n\n");
        text.Append("| Namespace | Kind | Type | Summary |\n|---|---|---|---|\n");
        foreach (var (type, summary) in Types)
            text.Append("| ").Append(type.Namespace).Append(" | ").Append(Kind(type)).Append(" | `")
                .Append(Name(type)).Append("` | ").Append(FirstSentence(summary).Replace("|", "\\|")).Append(" |\n");
        return text.ToString();
    }

    /// <summary>"static class", "sealed record", "enum", … as the type is declared.</summary>
    public static string Kind(Type t)
    {
        if (t.IsEnum) return "enum";
        if (t.IsInterface) return "interface";
        if (typeof(Delegate).IsAssignableFrom(t)) return "delegate";
        bool record = t.GetMethod("<Clone>$") is not null
            || (t.IsValueType
                && t.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null);
        bool readOnly = t.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute));
        if (t.IsValueType) return (readOnly ? "readonly " : "") + (record ? "record struct" : "struct");
        string noun = record ? "record" : "class";
        if (t.IsAbstract && t.IsSealed) return "static " + noun;
        if (t.IsAbstract) return "abstract " + noun;
        return t.IsSealed ? "sealed " + noun : noun;
    }

    private static string Name(Type t)
    {
        string name = t.FullName![(t.Namespace!.Length + 1)..].Replace('+', '.');
        int tick = name.IndexOf('`');
        if (tick < 0) return name;
        return name[..tick] + "<" + string.Join(", ", t.GetGenericArguments().Select(a => a.Name)) + ">";
    }

    /// <summary>The summary's first sentence: up to the first full stop before a space and a capital, or all.</summary>
    public static string FirstSentence(string summary)
    {
        var m = SentenceEnd().Match(summary);
        return m.Success ? summary[..(m.Index + 1)] : summary;
    }

    /// <summary>An XML doc element as one line: crefs become the member's short name, other tags their text.</summary>
    private static string PlainText(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            if (node is XText t) text.Append(t.Value);
            else if (node is XElement e)
            {
                string? reference = (string?)e.Attribute("cref") ?? (string?)e.Attribute("name")
                    ?? (string?)e.Attribute("langword");
                text.Append(e.Nodes().Any() ? PlainText(e) : reference is null ? "" : ShortName(reference));
            }
        }
        return Spaces().Replace(text.ToString(), " ").Trim();
    }

    private static string ShortName(string cref)
    {
        string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        string[] parts = name.Split('.');
        bool member = cref.Length > 2 && cref[1] == ':' && cref[0] != 'T' && parts.Length > 1;
        return member ? parts[^2] + "." + parts[^1] : parts[^1];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\.(?=\s+[A-Z(])")]
    private static partial Regex SentenceEnd();
}
