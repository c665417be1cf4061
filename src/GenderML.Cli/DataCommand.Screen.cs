using System.Globalization;
using System.Text.Json;
using GenderML.Data;

namespace GenderML.Cli;

internal static partial class DataCommand
{
    /// <summary>
    /// <c>data screen DIR [--split S] [--folds K] [--threshold P] [--out suspects.csv] [--sheet suspects.png] [--json]
    /// [--seed N] [--threads N] [--cache D] [--face-models D]</c>: lists the images whose label a k-fold frozen-face-ResNet
    /// model finds unlikely, for a person to review. Nothing is changed or dropped.
    /// </summary>
    private static int Screen(CliArgs a)
    {
        string? split = a.String("--split"), output = a.String("--out"), sheet = a.String("--sheet");
        bool json = a.Flag("--json");
        var d = new LabelScreeningOptions();
        var options = d with
        {
            Folds = a.Int("--folds", d.Folds),
            Threshold = a.Double("--threshold", d.Threshold),
            Seed = a.Int("--seed", d.Seed),
            Threads = a.Int("--threads", d.Threads),
            CacheFolder = a.String("--cache"),
            ModelsFolder = a.String("--face-models"),
        };
        a.ThrowOnUnknown();
        if (options.Folds < 2) throw new UsageException("--folds takes 2 or more");
        if (!(options.Threshold is > 0 and < 1)) throw new UsageException("--threshold takes a probability in (0, 1)");
        string dir = OneDirectory(a);
        foreach (string? o in new[] { output, sheet }) OutputFile.Check(o, dir, options.CacheFolder, options.ModelsFolder);
        if (TryLoad(dir) is not { } dataset) return CliApp.BadInput;
        if (split is not null) dataset = dataset.Subset(SplitNames.Normalize(split));

        LabelScreeningReport report;
        var printer = new ProgressPrinter();
        try
        {
            report = LabelScreening.Screen(dataset, options, json ? null : printer);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            throw new BadInputException(e.Message);
        }
        finally
        {
            printer.Done();
        }
        if (output is not null) OutputFile.WriteAllText(output, LabelScreening.SuspectsCsv(report));
        if (sheet is not null && report.Suspects.Count > 0) OutputFile.WriteAllBytes(sheet, LabelScreening.Sheet(report).EncodePng());
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                screened = report.Screened,
                threshold = report.Threshold,
                suspects = report.Suspects.Select(s => new { path = s.Path, label = GenderLabels.ClassNames[s.Label], pLabel = s.ProbabilityOfLabel }),
                skipped = report.Skipped.Select(s => new { path = s.Path, reason = s.Reason }),
                seconds = Math.Round(report.Seconds, 2),
            }));
            return CliApp.Ok;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Suspects.Count} of {report.Screened} labels look wrong (P(label) < {report.Threshold} from a {options.Folds}-fold frozen face-ResNet model); {report.Skipped.Count} file(s) skipped; {report.Seconds:F1} s"));
        foreach (var s in report.Suspects.Take(20))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Relative(dir, s.Path)}  {GenderLabels.ClassNames[s.Label]}  P(label) {s.ProbabilityOfLabel:F3}"));
        if (report.Suspects.Count > 20) Console.WriteLine($"  … {report.Suspects.Count - 20} more{(output is null ? " (--out FILE.csv lists them all)" : $" in {output}")}");
        foreach (var s in report.Skipped) Console.Error.WriteLine($"skipped {s.Path}: {s.Reason}");
        return CliApp.Ok;
    }
}
