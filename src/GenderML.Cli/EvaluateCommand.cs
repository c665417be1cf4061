using System.Globalization;
using GenderML.Evaluation;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml evaluate --model MODEL.zip --data DIR [--split test] [--json] [--report report.md [--no-framing-check]] [--predictions FILE.csv] [--reframe F] [--group-by KEY] [--face-models DIR]</c>:
/// scores a model on the <c>test</c> (or <c>validation</c>) split of a split folder, or on a whole folder; a report also scores
/// looser framings of the same images (×0.7 and ×0.5).
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>The looser framings a Markdown report is checked on: faces at 70% and 50% of their size in the frame.</summary>
    private static readonly double[] FramingCheckFactors = [0.7, 0.5];

    public static int Run(string[] args)
    {
        var a = new CliArgs(args, "--json", "--detect-faces", "--no-mirror", "--no-framing-check");
        string modelPath = a.Required("--model"), data = a.Required("--data");
        string? split = a.String("--split"), reportPath = a.String("--report"), groupBy = a.String("--group-by"), predictionsPath = a.String("--predictions");
        bool json = a.Flag("--json"), framingCheck = !a.Flag("--no-framing-check");
        double reframe = a.Double("--reframe", 1.0);
        int threads = a.Int("--threads", Environment.ProcessorCount);
        string? cache = a.String("--cache");
        double? margin = TransferArgs.CanonicalMargin(a, modelPath == "pretrained" ? TransferArgs.PretrainedMargin : null);
        bool detect = a.Flag("--detect-faces");
        string? faceModels = a.String("--face-models");
        bool mirror = TransferArgs.PretrainedMirror(a, margin) && modelPath == "pretrained";
        a.ThrowOnUnknown();
        if (detect && modelPath != "pretrained") throw new UsageException("--detect-faces here is for --model pretrained; a transfer model trained with --detect-faces keeps that setting");
        if (!(reframe > 0 && reframe <= 1)) throw new UsageException($"--reframe takes a factor in (0, 1], not {reframe.ToString(CultureInfo.InvariantCulture)}");

        foreach (string? o in new[] { reportPath, predictionsPath }) Data.OutputFile.Check(o, modelPath, data, cache);
        var classifier = ModelArgs.Load(modelPath, threads, margin, detect, faceModels, mirror);
        var test = DatasetArgs.TestPart(DatasetArgs.Load(data), split);
        // What the evaluations remark on goes to standard error and into the report's notes.
        var notes = new List<string>();
        Action<string> NotesTo(string prefix) => note => { Console.Error.WriteLine(note); notes.Add(prefix + note); };
        var options = new ModelEvaluationOptions
        {
            Reframe = reframe < 1 ? reframe : null, GroupBy = groupBy, Threads = threads, CacheFolder = cache, Notes = NotesTo(""),
        };
        using var cancel = new ConsoleCancellation();
        var report = Evaluator.Evaluate(classifier, test, options, cancel.Token);
        if (reportPath is not null)
        {
            // The report shows how the accuracy holds on looser framings, unless it is itself about one (--reframe).
            var framing = new List<FramingCheck>();
            if (framingCheck && reframe == 1)
                foreach (double factor in FramingCheckFactors)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"framing check for the report: the test images with faces shrunk to ×{factor} (--no-framing-check skips it)"));
                    var check = options with { Reframe = factor, GroupBy = null, Notes = NotesTo(string.Create(CultureInfo.InvariantCulture, $"faces at ×{factor}: ")) };
                    framing.Add(new FramingCheck(factor, Evaluator.Evaluate(classifier, test, check, cancel.Token)));
                }
            EvaluationMarkdown.Write(report, reportPath, $"{classifier.Info.Kind} on {data}" + (reframe < 1 ? string.Create(CultureInfo.InvariantCulture, $" (reframed ×{reframe})") : ""),
                classifier.Info.Curves, framing, notes);
        }
        if (predictionsPath is not null) Data.OutputFile.WriteAllText(predictionsPath, EvaluationMarkdown.PredictionsCsv(report));
        if (json)
        {
            Console.WriteLine(EvaluationJson.ToJson(report));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{classifier.Info.Kind} on {report.N} images of {data}{(reframe < 1 ? $", reframed ×{reframe}" : "")}{(report.Skipped.Count > 0 ? $" ({report.Skipped.Count} files skipped, listed below)" : "")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"accuracy {report.Accuracy:P2}  ROC AUC {report.RocAuc:F4}  PR AUC {report.PrAuc:F4}  log-loss {report.LogLoss:F4}  Brier {report.Brier:F4}  ECE {report.ExpectedCalibrationError:F4}"));
            var c = report.Confusion;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"confusion (positive = male): TP {c.TruePositives}  TN {c.TrueNegatives}  FP {c.FalsePositives}  FN {c.FalseNegatives}"));
            Console.WriteLine();
            Console.WriteLine(report.Classification.ToString());
            foreach (var g in report.Groups) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {groupBy} {g.Group}: {g.Accuracy:P2} of {g.Count}"));
            foreach (var s in report.Skipped) Console.Error.WriteLine($"skipped {s.Path}: {s.Reason}");
        }
        return CliApp.Ok;
    }
}
