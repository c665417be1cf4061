using System.Globalization;
using System.Text;

namespace GenderML.Evaluation;

/// <summary>Per-group breakdowns as text: the Markdown tables of reports and model cards, the lines of the CLI.</summary>
public static class GroupTables
{
    /// <summary>One Markdown table per facet (group, n, accuracy with its 95% interval, female and male recall), then the gap line.</summary>
    public static string Markdown(IReadOnlyList<GroupBreakdown> breakdowns)
    {
        ArgumentNullException.ThrowIfNull(breakdowns);
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        foreach (var b in breakdowns)
        {
            sb.AppendLine(ci, $"**{b.Facet}**").AppendLine();
            sb.AppendLine("| group | n | accuracy (95% CI) | female recall | male recall |").AppendLine("|---|---:|---:|---:|---:|");
            foreach (var g in b.Groups)
            {
                string mark = g.Group == b.Worst ? " (worst)" : g.Group == b.Best ? " (best)" : "";
                sb.AppendLine(ci, $"| {g.Group}{mark} | {g.Count:N0} | {Rate(g.Accuracy)} ({Rate(g.AccuracyLow, 1)}–{Rate(g.AccuracyHigh, 1)}) | {Rate(g.FemaleRecall)} | {Rate(g.MaleRecall)} |");
            }
            sb.AppendLine().AppendLine(Gap(b)).AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>Plain-text lines per facet for a console: each group, then the gap line.</summary>
    public static IEnumerable<string> Lines(IReadOnlyList<GroupBreakdown> breakdowns)
    {
        ArgumentNullException.ThrowIfNull(breakdowns);
        foreach (var b in breakdowns)
        {
            yield return $"by {b.Facet}:";
            foreach (var g in b.Groups)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"  {g.Group,-12} n {g.Count,6:N0}  accuracy {Rate(g.Accuracy),7} ({Rate(g.AccuracyLow, 1)}–{Rate(g.AccuracyHigh, 1)})  female recall {Rate(g.FemaleRecall),7}  male recall {Rate(g.MaleRecall),7}");
            yield return "  " + Gap(b);
        }
    }

    /// <summary>The sentence on the worst group and the best–worst gap with its interval.</summary>
    public static string Gap(GroupBreakdown b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return b.Gap is { } gap
            ? string.Create(CultureInfo.InvariantCulture,
                $"worst group: {b.Worst}; best–worst gap {gap * 100:F2} points (95% bootstrap interval {b.GapLow * 100:F2} to {b.GapHigh * 100:F2})")
            : "worst group: not named (fewer than two groups large enough to compare)";
    }

    /// <summary>A share as a percentage with <paramref name="decimals"/> decimals; <c>—</c> when undefined.</summary>
    private static string Rate(double? r, int decimals = 2) =>
        r is { } v && double.IsFinite(v) ? (v * 100).ToString(decimals == 1 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + "%" : "—";
}
