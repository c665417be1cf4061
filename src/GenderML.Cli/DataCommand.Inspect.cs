using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GenderML.Data;

namespace GenderML.Cli;

internal static partial class DataCommand
{
    /// <summary>
    /// <c>data inspect DIR [--json] [--check header|decode] [--threads N]</c>: images per split and class,
    /// class balance, image sizes, skipped files with reasons, seconds taken. Exit 0 even with bad files;
    /// 2 when DIR is missing or holds no dataset.
    /// </summary>
    private static Command InspectCommand() =>
        new Command("inspect", "images per split and class, sizes, bad files").With(Dir, InspectJsonOption, Check, InspectThreads).Action(Inspect);

    private static readonly Option<bool> InspectJsonOption = CliOptions.Json();
    private static readonly Option<string> Check = CliOptions.Choice("--check", "read each file's header only, or decode it (default: decode)", "header", "decode");
    private static readonly Option<int?> InspectThreads = CliOptions.Threads();

    private static int Inspect(ParseResult r)
    {
        bool json = r.GetValue(InspectJsonOption);
        int threads = r.GetValue(InspectThreads) ?? 0;
        string dir = r.GetValue(Dir)!;
        var level = r.GetValue(Check) == "header" ? ValidationLevel.Header : ValidationLevel.Decode;
        var clock = Stopwatch.StartNew();
        if (TryLoad(dir) is not { } loaded) return CliApp.BadInput;
        var result = loaded.Validate(level, threads);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.Out.Write(json ? InspectJson(result.Dataset, seconds) : InspectText(dir, result, seconds, level));
        return CliApp.Ok;
    }

    internal static string InspectJson(Dataset d, double seconds)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("splits");
            foreach (string split in d.Splits)
            {
                w.WriteStartObject(split);
                int[] counts = d.CountByClass(split);
                for (int c = 0; c < counts.Length; c++) w.WriteNumber(d.ClassNames[c], counts[c]);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("skipped");
            foreach (var s in d.Skipped)
            {
                w.WriteStartObject();
                w.WriteString("path", Relative(d.Root, s.Path));
                w.WriteString("reason", s.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("seconds", Math.Round(seconds, 3));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string InspectText(string dir, ValidationResult result, double seconds, ValidationLevel level)
    {
        var d = result.Dataset;
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"{dir}: {d.Items.Count:N0} images, classes {string.Join(", ", d.ClassNames)}, {d.Splits.Count} split(s); checked ({level.ToString().ToLowerInvariant()}) in {seconds:F2} s");
        sb.AppendLine();
        sb.Append(ci, $"{"split",-12}");
        foreach (string c in d.ClassNames) sb.Append(ci, $"{c,10}");
        sb.AppendLine(ci, $"{"total",10}   balance ({d.ClassNames[0]} share)");
        foreach (string split in d.Splits)
        {
            int[] counts = d.CountByClass(split);
            int total = counts.Sum();
            sb.Append(ci, $"{split,-12}");
            foreach (int n in counts) sb.Append(ci, $"{n,10:N0}");
            sb.AppendLine(ci, $"{total,10:N0}   {(total == 0 ? 0 : 100.0 * counts[0] / total),5:F1} %");
        }
        if (result.Sizes.Count > 0)
        {
            int[] widths = [.. result.Sizes.Select(s => s.Width).Order()];
            int[] heights = [.. result.Sizes.Select(s => s.Height).Order()];
            sb.AppendLine();
            sb.AppendLine(ci, $"{"image size",-12}{"min",8}{"median",8}{"max",8}");
            sb.AppendLine(ci, $"{"width",-12}{widths[0],8}{widths[widths.Length / 2],8}{widths[^1],8}");
            sb.AppendLine(ci, $"{"height",-12}{heights[0],8}{heights[heights.Length / 2],8}{heights[^1],8}");
        }
        sb.AppendLine();
        if (d.Skipped.Count == 0) sb.AppendLine("skipped: none");
        else
        {
            sb.AppendLine(ci, $"skipped: {d.Skipped.Count:N0} ({string.Join(", ", d.Skipped.GroupBy(s => s.Kind).Select(g => $"{g.Key}: {g.Count():N0}"))})");
            const int shown = 50;
            foreach (var s in d.Skipped.Take(shown)) sb.AppendLine(ci, $"  {Relative(d.Root, s.Path)}: {s.Reason}");
            if (d.Skipped.Count > shown) sb.AppendLine(ci, $"  ... and {d.Skipped.Count - shown:N0} more (--json lists all)");
        }
        return sb.ToString();
    }
}
