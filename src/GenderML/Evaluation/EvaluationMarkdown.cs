using System.Globalization;
using System.Text;

namespace GenderML.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as a Markdown report: summary, classification report,
/// confusion matrix, ROC AUC with the ROC curve (an SVG file beside the report), calibration bins,
/// framing sensitivity, accuracy per group, the most confident errors and skipped files.
/// </summary>
public static class EvaluationMarkdown
{
    /// <summary>
    /// Writes <paramref name="markdownPath"/> and, beside it, the ROC curve as
    /// <c>&lt;name&gt;-roc.svg</c> (which the report links to) and <c>&lt;name&gt;-roc.png</c>; when the report has
    /// per-image predictions with errors, the sheet of the most confident errors as <c>&lt;name&gt;-errors.png</c>; with <paramref name="curves"/>,
    /// also the training curves as <c>&lt;name&gt;-curves.svg</c> and <c>.png</c>, linked from a section of their own; with
    /// <paramref name="framing"/>, a section comparing the accuracy on the images as given with that on looser framings of them;
    /// with <paramref name="notes"/>, a section listing them (what the evaluation remarked on, such as images without a face).
    /// </summary>
    public static void Write(EvaluationReport report, string markdownPath, string title = "Evaluation report", TrainingCurves? curves = null,
        IReadOnlyList<FramingCheck>? framing = null, IReadOnlyList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(markdownPath);
        string full = Path.GetFullPath(markdownPath);
        string svgName = Path.GetFileNameWithoutExtension(full) + "-roc.svg";
        string folder = Path.GetDirectoryName(full)!, stem = Path.GetFileNameWithoutExtension(full);
        Data.OutputFile.WriteAllText(Path.Combine(folder, svgName), RocSvg(report));
        Data.OutputFile.WriteAllBytes(Path.Combine(folder, stem + "-roc.png"), RocPng(report));
        var errors = ConfidentErrorsOf(report);
        string? sheetName = null;
        if (errors.Count > 0)
        {
            sheetName = stem + "-errors.png";
            Data.OutputFile.WriteAllBytes(Path.Combine(folder, sheetName), ErrorSheet.Render([.. errors.Take(ErrorsShown)]).EncodePng());
        }
        string markdown = Render(report, title, svgName, sheetName, framing);
        if (notes is { Count: > 0 })
            markdown += "\n## Notes\n\n" + string.Concat(notes.Select(n => $"- {n}\n"));
        if (curves is { Epochs.Count: > 0 })
        {
            curves.Save(Path.Combine(folder, stem + "-curves.svg"));
            curves.Save(Path.Combine(folder, stem + "-curves.png"));
            markdown += $"\n## Training curves\n\n![loss and accuracy per epoch]({stem}-curves.svg)\n";
        }
        Data.OutputFile.WriteAllText(full, markdown);
    }

    /// <summary>The report as Markdown text; <paramref name="rocSvgLink"/>, when given, is the image link of the ROC curve.</summary>
    public static string Render(EvaluationReport report, string title = "Evaluation report", string? rocSvgLink = null) => Render(report, title, rocSvgLink, null, null);

    /// <summary>As <see cref="Render(EvaluationReport, string, string?)"/>, with the framing section for <paramref name="framing"/>.</summary>
    public static string Render(EvaluationReport report, IReadOnlyList<FramingCheck> framing, string title = "Evaluation report") =>
        Render(report, title, null, null, framing);

    private static string Render(EvaluationReport report, string title, string? rocSvgLink, string? errorSheetLink, IReadOnlyList<FramingCheck>? framing)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = report.Classification;
        var m = report.Confusion;
        var sb = new StringBuilder();
        sb.Append("# ").Append(title).Append("\n\n## Summary\n\n| metric | value |\n|---|---|\n");
        Line(sb, "samples", report.N.ToString(CultureInfo.InvariantCulture));
        Line(sb, "accuracy", P(report.Accuracy));
        Line(sb, "ROC AUC", D(report.RocAuc));
        Line(sb, "PR AUC (average precision, male)", D(report.PrAuc));
        Line(sb, "log-loss", D(report.LogLoss));
        Line(sb, "Brier score", D(report.Brier));
        Line(sb, "expected calibration error", D(report.ExpectedCalibrationError));
        Line(sb, "threshold", $"male when P(male) > {report.Threshold.ToString(CultureInfo.InvariantCulture)}");
        Line(sb, "skipped files", report.Skipped.Count.ToString(CultureInfo.InvariantCulture));

        sb.Append("\n## Classification report\n\n| class | precision | recall | f1-score | support |\n|---|---:|---:|---:|---:|\n");
        ClassRow(sb, "female", c.Female);
        ClassRow(sb, "male", c.Male);
        sb.Append("| accuracy | | | ").Append(D(c.Accuracy)).Append(" | ").Append(c.Total.ToString(CultureInfo.InvariantCulture)).Append(" |\n");
        ClassRow(sb, "macro avg", c.MacroAverage);
        ClassRow(sb, "weighted avg", c.WeightedAverage);

        sb.Append("\n## Confusion matrix (positive class: male)\n\n| | predicted female | predicted male |\n|---|---:|---:|\n");
        sb.Append(CultureInfo.InvariantCulture, $"| actual female | TN = {m.TrueNegatives} | FP = {m.FalsePositives} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| actual male | FN = {m.FalseNegatives} | TP = {m.TruePositives} |\n");

        sb.Append("\n## ROC curve\n\nROC AUC = ").Append(D(report.RocAuc)).Append(" (trapezoid rule over distinct scores; tied scores count half).\n");
        if (rocSvgLink is not null) sb.Append("\n![ROC curve](").Append(rocSvgLink).Append(")\n");

        sb.Append("\n## Calibration\n\nExpected calibration error = ").Append(D(report.ExpectedCalibrationError))
          .Append(report.UncalibratedExpectedCalibrationError is { } before ? $" after the model's calibration ({D(before)} before it)" : "")
          .Append(": Σ (n_b / N) · |fraction male − mean P(male)| over ").Append(report.Calibration.Count.ToString(CultureInfo.InvariantCulture))
          .Append(" equal-width bins of P(male).\n\n| P(male) bin | samples | mean P(male) | fraction male |\n|---|---:|---:|---:|\n");
        foreach (var b in report.Calibration)
            sb.Append(CultureInfo.InvariantCulture, $"| {b.Lower:0.0#}–{b.Upper:0.0#} | {b.Count} | {D(b.MeanScore)} | {D(b.FractionPositive)} |\n");

        if (framing is { Count: > 0 })
        {
            sb.Append("\n## Framing sensitivity\n\nThe same images with each face shrunk inside its frame (the image scaled by the factor, centred on a ")
              .Append("canvas of its own size filled from its blurred border): a looser framing, as other face sets have. A model that learned where ")
              .Append("the face sits in the images it was trained on loses accuracy here.\n\n| framing | samples | accuracy | ROC AUC | change in accuracy |\n|---|---:|---:|---:|---:|\n");
            sb.Append(CultureInfo.InvariantCulture, $"| as given | {report.N} | {P(report.Accuracy)} | {D(report.RocAuc)} | |\n");
            foreach (var f in framing)
                sb.Append(CultureInfo.InvariantCulture, $"| face at ×{f.Factor:0.###} | {f.Report.N} | {P(f.Report.Accuracy)} | {D(f.Report.RocAuc)} | {(f.Report.Accuracy - report.Accuracy) * 100:+0.00;−0.00;0.00} points |\n");
        }
        if (report.Groups.Count > 0)
        {
            sb.Append("\n## Accuracy per group\n\nAccuracy with its 95% Wilson interval; the gap between the best and the worst group (of at least ")
              .Append("30 images) with a 95% bootstrap interval (1,000 resamples of both groups, seeded).\n\n");
            sb.Append(GroupTables.Markdown(report.Groups));
        }
        if (report.Coverage.Count > 0)
        {
            sb.Append("\n## Coverage and accuracy\n\nAnswering only the images the model is surest of (highest max(P(male), P(female))), abstaining on the rest.");
            if (report.Abstention is { } a)
                sb.Append(CultureInfo.InvariantCulture, $" With the abstain band {a.Band} (P(male) inside it abstains): {P(a.Coverage)} answered ({a.Answered}), accuracy {P(a.Accuracy)}.");
            sb.Append("\n\n| coverage | answered | accuracy | lowest confidence answered |\n|---:|---:|---:|---:|\n");
            foreach (var point in report.Coverage)
                sb.Append(CultureInfo.InvariantCulture, $"| {P(point.Coverage)} | {point.Answered} | {P(point.Accuracy)} | {D(point.MinConfidence)} |\n");
        }
        var errors = ConfidentErrorsOf(report);
        if (errors.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n## Most confident errors\n\n{errors.Count} images were misclassified; the ones the model was surest about come first. ")
              .Append("Confident errors of a well-trained model are often mistakes in the labels: look at them before trusting the accuracy to a tenth of a point.\n");
            if (errorSheetLink is not null) sb.Append("\n![the most confident errors](").Append(errorSheetLink).Append(")\n");
            sb.Append("\n| rank | file | label | P(male) |\n|---:|---|---|---:|\n");
            for (int k = 0; k < Math.Min(errors.Count, ErrorsListed); k++)
                sb.Append(CultureInfo.InvariantCulture, $"| {k + 1} | ").Append(Cell(errors[k].Path)).Append(" | ").Append(GenderLabels.ClassNames[errors[k].Label]).Append(" | ").Append(D(errors[k].PMale)).Append(" |\n");
        }
        if (report.Skipped.Count > 0)
        {
            sb.Append("\n## Skipped files\n\n| file | reason |\n|---|---|\n");
            foreach (var s in report.Skipped) sb.Append("| ").Append(Cell(s.Path)).Append(" | ").Append(Cell(s.Reason)).Append(" |\n");
        }
        return sb.ToString();
    }

    /// <summary>How many misclassified images the report's table lists.</summary>
    public const int ErrorsListed = 20;

    /// <summary>How many misclassified images the error sheet beside the report shows.</summary>
    public const int ErrorsShown = 48;

    /// <summary>The misclassified images of <paramref name="report"/>'s predictions, surest first (ties by path).</summary>
    public static IReadOnlyList<SamplePrediction> ConfidentErrorsOf(EvaluationReport report) =>
        [.. report.Predictions.Where(x => x.PMale > report.Threshold != (x.Label == 1))
            .OrderByDescending(x => Math.Abs(x.PMale - report.Threshold)).ThenBy(x => x.Path, StringComparer.Ordinal)];

    /// <summary>
    /// The per-image predictions as CSV: <c>path,label,predicted,pMale</c>, one row per evaluated image in dataset
    /// order, numbers in the invariant culture. Paths with commas or quotes are quoted as RFC 4180 says.
    /// </summary>
    public static string PredictionsCsv(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder("path,label,predicted,pMale\n");
        foreach (var x in report.Predictions)
            sb.Append(CsvField(x.Path)).Append(',').Append(GenderLabels.ClassNames[x.Label]).Append(',')
              .Append(GenderLabels.ClassNames[x.PMale > report.Threshold ? 1 : 0]).Append(',')
              .Append(x.PMale.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    internal static string CsvField(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The ROC curve of <see cref="RocSvg"/> as a PNG file.</summary>
    public static byte[] RocPng(EvaluationReport report) => RocPlot(report).RenderRaster().ToImage().EncodePng();

    /// <summary>The ROC curve with the chance diagonal, as an SVG document.</summary>
    public static string RocSvg(EvaluationReport report) => RocPlot(report).Render();

    private static SvgPlot RocPlot(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var pts = new (double, double)[report.Roc.FalsePositiveRate.Length];
        for (int i = 0; i < pts.Length; i++) pts[i] = (report.Roc.FalsePositiveRate[i], report.Roc.TruePositiveRate[i]);
        return new SvgPlot($"ROC curve (AUC = {D(report.RocAuc)})", "false positive rate", "true positive rate", 0, 1, 0, 1)
            .Add("model", "#1f77b4", pts)
            .Add("chance", "#999999", [(0, 0), (1, 1)], dashed: true);
    }

    private static void Line(StringBuilder sb, string name, string value) => sb.Append("| ").Append(name).Append(" | ").Append(value).Append(" |\n");

    private static void ClassRow(StringBuilder sb, string name, ClassMetrics m) =>
        sb.Append(CultureInfo.InvariantCulture, $"| {name} | {D(m.Precision)} | {D(m.Recall)} | {D(m.F1)} | {m.Support} |\n");

    private static string D(double v) => double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";

    private static string P(double v) => double.IsFinite(v) ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
