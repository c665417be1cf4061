using System.CommandLine;
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
    private static Command ScreenCommand() =>
        new Command("screen", "images whose label a k-fold face-ResNet model finds unlikely, to review (nothing is changed)")
            .With(Dir, ScreenSplit, Folds, Threshold, Seed, ScreenThreads, ScreenCache, ScreenFaceModels, ScreenOut, Sheet, ScreenJson).Action(Screen);

    private static readonly Option<string> ScreenSplit = CliOptions.Text("--split", "NAME", "only this split");
    private static readonly Option<int?> Folds = CliOptions.Int("--folds", "K", "cross-validation folds (default: the library's)", 2);
    private static readonly Option<double?> Threshold = CliOptions.Number("--threshold", "P", "a suspect's P(label) is below this (default: the library's)",
        p => p > 0 && p < 1, "a probability in (0, 1)");
    private static readonly Option<int?> Seed = CliOptions.Int("--seed", "N", "the seed of the folds", int.MinValue);
    private static readonly Option<int?> ScreenThreads = CliOptions.Threads();
    private static readonly Option<string> ScreenCache = CliOptions.Text("--cache", "DIR", "the embedding cache folder (default: the user's cache)");
    private static readonly Option<string> ScreenFaceModels = CliOptions.FaceModels();
    private static readonly Option<string> ScreenOut = CliOptions.Text("--out", "FILE.csv", "write the suspects as CSV");
    private static readonly Option<string> Sheet = CliOptions.Text("--sheet", "FILE.png", "write a contact sheet of the suspects").WithExtension(".png");
    private static readonly Option<bool> ScreenJson = CliOptions.Json();

    private static int Screen(ParseResult r)
    {
        string? split = r.GetValue(ScreenSplit), output = r.GetValue(ScreenOut), sheet = r.GetValue(Sheet);
        bool json = r.GetValue(ScreenJson);
        var d = new LabelScreeningOptions();
        var options = d with
        {
            Folds = r.GetValue(Folds) ?? d.Folds,
            Threshold = r.GetValue(Threshold) ?? d.Threshold,
            Seed = r.GetValue(Seed) ?? d.Seed,
            Threads = r.GetValue(ScreenThreads) ?? d.Threads,
            CacheFolder = r.GetValue(ScreenCache),
            ModelsFolder = r.GetValue(ScreenFaceModels),
        };
        string dir = r.GetValue(Dir)!;
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
