using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenderML.Evaluation;

namespace GenderML;

public sealed partial record ModelCard
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The card as indented JSON (the <c>card.json</c> of a model file); the same card gives the same text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a card written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not a card.</exception>
    public static ModelCard FromJson(string json) =>
        JsonSerializer.Deserialize<ModelCard>(json, JsonOptions) ?? throw new JsonException("a model card is a JSON object, not null");

    /// <summary>The card as Markdown: headed sections for uses, data, metrics, calibration, groups and limits.</summary>
    public string ToMarkdown()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"# Model card: {Kind}").AppendLine();
        sb.AppendLine(Architecture).AppendLine();
        sb.AppendLine("## Intended use").AppendLine().AppendLine(IntendedUse).AppendLine();
        sb.AppendLine("## Not intended for").AppendLine();
        foreach (var u in NotIntendedUses) sb.AppendLine(ci, $"- {u}");
        sb.AppendLine().AppendLine("## Training data").AppendLine();
        if (Provenance is not null) sb.AppendLine(Provenance).AppendLine();
        if (TrainingData is { } d)
        {
            sb.AppendLine(ci, $"Source: {d.Source}. Validation: {d.HeldOut}.").AppendLine();
            sb.AppendLine("| split | class | images |").AppendLine("|---|---|---:|");
            foreach (var c in d.Counts) sb.AppendLine(ci, $"| {c.Split} | {c.Class} | {c.Count:N0} |");
            sb.AppendLine();
        }
        else if (Provenance is null) sb.AppendLine("Not recorded.").AppendLine();
        sb.AppendLine("## Metrics at training time (validation)").AppendLine();
        if (ValidationMetrics.Count == 0) sb.AppendLine("None: no validation part.").AppendLine();
        else sb.AppendLine(Metrics(ValidationMetrics)).AppendLine();
        sb.AppendLine("## Calibration").AppendLine().AppendLine(Calibration.Describe()).AppendLine();
        if (ValidationGroups.Count > 0)
        {
            sb.AppendLine("## Per group (validation)").AppendLine();
            sb.Append(GroupTables.Markdown(ValidationGroups));
        }
        foreach (var e in Evaluations)
        {
            sb.AppendLine(ci, $"## Evaluation: {e.Source}").AppendLine().AppendLine(Metrics(e.Metrics)).AppendLine();
            sb.Append(GroupTables.Markdown(e.Groups));
        }
        sb.AppendLine("## Limits").AppendLine();
        foreach (var l in Limits) sb.AppendLine(ci, $"- {l}");
        return sb.ToString();
    }

    /// <summary>One line per metric: <c>accuracy 0.9731, auc 0.9952, …</c>.</summary>
    private static string Metrics(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(", ", metrics.Select(kv => kv.Key == "n"
            ? string.Create(CultureInfo.InvariantCulture, $"n {kv.Value:N0}")
            : string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F4}")));
}
