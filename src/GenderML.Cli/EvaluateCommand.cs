using System.CommandLine;
using System.Globalization;
using GenderML.Evaluation;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml evaluate --model MODEL.zip --data DIR [--split test] [--json] [--report report.md [--no-framing-check]] [--predictions FILE.csv] [--reframe F] [--stress gray,dark,jpeg15,blur] [--group-by KEY|estimated-age] [--face-models DIR]</c>:
/// scores a model on the <c>test</c> (or <c>validation</c>) split of a split folder, or on a whole folder; a report also scores
/// looser framings of the same images (×0.7 and ×0.5); <c>--stress</c> scores the same images degraded in each named way too.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>The looser framings a Markdown report is checked on: faces at 70% and 50% of their size in the frame.</summary>
    private static readonly double[] FramingCheckFactors = [0.7, 0.5];

    private static readonly Option<string> Model = CliOptions.Text("--model", "MODEL.zip", "the model file, or pretrained (face-api's age/gender net)", required: true);
    private static readonly Option<string> Data = CliOptions.Text("--data", "DIR", "the labelled images (a folder or CSV manifest)", required: true);
    private static readonly Option<string> Split = CliOptions.Text("--split", "NAME", "the split to score (default: test, else validation, else everything)");
    private static readonly Option<bool> Json = CliOptions.Json("the scores as one JSON object");
    private static readonly Option<string> Report = CliOptions.Text("--report", "FILE.md", "also write a Markdown report (with ROC and curves beside it)");
    private static readonly Option<string> Predictions = CliOptions.Text("--predictions", "FILE.csv", "also write path,label,predicted,pMale per image");
    private static readonly Option<double?> Reframe = CliOptions.Number("--reframe", "F", "shrink each face by F in its frame first (a looser framing)",
        f => f > 0 && f <= 1, "a factor in (0, 1]");
    private static readonly Option<string> Stress = CliOptions.Text("--stress", "LIST",
        "also score the images degraded each way of a comma-separated list: gray, dark, jpeg15, blur (or all)");
    private static readonly Option<string> GroupBy = CliOptions.Text("--group-by", "KEY",
        "also score each group of a manifest column, or estimated-age (face-api's age band × label)");
    private static readonly Option<bool> NoFramingCheck = CliOptions.Flag("--no-framing-check", "a report skips the scores on faces shrunk to ×0.7 and ×0.5");
    private static readonly Option<int?> Threads = CliOptions.Threads();
    private static readonly Option<string> Cache = CliOptions.Text("--cache", "DIR", "the pixel and embedding cache folder (default: the user's cache)");
    private static readonly Option<string> CanonicalMargin = CliOptions.CanonicalMargin(
        "--model pretrained: re-crop each image to its detected face box widened by M per side, or none (default 0)");
    private static readonly Option<bool> DetectFaces = CliOptions.Flag("--detect-faces", "--model pretrained: the images are full photos (the SSD detector's largest face)");
    private static readonly Option<bool> NoMirror = CliOptions.Flag("--no-mirror", "--model pretrained: do not average with the mirror image");
    private static readonly Option<string> FaceModels = CliOptions.FaceModels();
    private static readonly Option<AbstainBand?> Abstain = CliOptions.Abstain();
    private static readonly Option<string> CardOut = CliOptions.Text("--card-out", "CARD.json|CARD.md",
        "also write the model's card with this evaluation added (JSON, or Markdown for .md)");

    public static Command Create()
    {
        var command = new Command("evaluate", "score a model on the test split; a report also scores faces shrunk to ×0.7 and ×0.5 (framing sensitivity)")
            .With(Model, Data, Split, Json, Report, Predictions, Reframe, Stress, GroupBy, NoFramingCheck, Threads, Cache, CanonicalMargin, DetectFaces, NoMirror, FaceModels, Abstain, CardOut);
        command.SetAction(r => CliApp.Guard(r, Run));
        return command;
    }

    /// <summary>The stresses of <c>--stress</c>: a comma-separated list of names, or <c>all</c>.</summary>
    private static ImageStress[] ParseStresses(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return [];
        if (list.Trim() == "all") return Enum.GetValues<ImageStress>();
        return [.. list.Split(',').Select(name => Enum.TryParse<ImageStress>(name.Trim(), ignoreCase: true, out var s) && !int.TryParse(name, out _)
            ? s : throw new UsageException($"--stress: '{name.Trim()}' is not one of gray, dark, jpeg15, blur, all")).Distinct()];
    }

    private static int Run(ParseResult r)
    {
        string modelPath = r.GetValue(Model)!, data = r.GetValue(Data)!;
        string? split = r.GetValue(Split), reportPath = r.GetValue(Report), groupBy = r.GetValue(GroupBy), predictionsPath = r.GetValue(Predictions);
        string? cardOut = r.GetValue(CardOut);
        var band = r.GetValue(Abstain);
        bool json = r.GetValue(Json), framingCheck = !r.GetValue(NoFramingCheck);
        double reframe = r.GetValue(Reframe) ?? 1.0;
        var stresses = ParseStresses(r.GetValue(Stress));
        int threads = r.GetValue(Threads) ?? Environment.ProcessorCount;
        string? cache = r.GetValue(Cache);
        bool pretrained = modelPath == ClassifierPresets.Pretrained;
        double? margin = CliOptions.CanonicalMarginValue(r.GetValue(CanonicalMargin), pretrained ? ClassifierPresets.FaceApiCanonicalMargin : null);
        bool detect = r.GetValue(DetectFaces);
        string? faceModels = r.GetValue(FaceModels);
        bool mirror = pretrained && margin is not null && !r.GetValue(NoMirror);
        if (detect && !pretrained) throw new UsageException("--detect-faces here is for --model pretrained; a transfer model trained with --detect-faces keeps that setting");

        foreach (string? o in new[] { reportPath, predictionsPath, cardOut }) GenderML.Data.OutputFile.Check(o, modelPath, data, cache);
        var classifier = ModelArgs.Load(modelPath, threads, margin, detect, faceModels, mirror);
        var test = DatasetArgs.TestPart(DatasetArgs.Load(data), split);
        // What the evaluations remark on goes to standard error and into the report's notes.
        var notes = new List<string>();
        Action<string> NotesTo(string prefix) => note => { Console.Error.WriteLine(note); notes.Add(prefix + note); };
        var options = new ModelEvaluationOptions
        {
            Reframe = reframe < 1 ? reframe : null, GroupBy = groupBy, Threads = threads, CacheFolder = cache, Notes = NotesTo(""), Abstain = band,
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
        if (predictionsPath is not null) GenderML.Data.OutputFile.WriteAllText(predictionsPath, EvaluationMarkdown.PredictionsCsv(report));
        if (cardOut is not null)
        {
            string source = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(data))} ({(test.Splits.Count == 1 ? test.Splits[0] : "all")})"
                + (reframe < 1 ? string.Create(CultureInfo.InvariantCulture, $", reframed ×{reframe}") : "");
            var card = ModelCard.For(classifier).WithEvaluation(ModelCardEvaluation.From(report, source));
            GenderML.Data.OutputFile.WriteAllText(cardOut, cardOut.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? card.ToMarkdown() : card.ToJson() + "\n");
        }
        var stressed = stresses.Select(st => (Name: st.ToString().ToLowerInvariant(), Report: Evaluator.Evaluate(classifier, test,
            options with { Stress = st, Notes = NotesTo(st.ToString().ToLowerInvariant() + ": ") }, cancel.Token))).ToList();
        if (json)
        {
            Console.WriteLine(stressed.Count == 0 ? EvaluationJson.ToJson(report)
                : "{\"plain\": " + EvaluationJson.ToJson(report) + string.Concat(stressed.Select(x => $", \"{x.Name}\": {EvaluationJson.ToJson(x.Report)}")) + "}");
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{classifier.Info.Kind} on {report.N} images of {data}{(reframe < 1 ? $", reframed ×{reframe}" : "")}{(report.Skipped.Count > 0 ? $" ({report.Skipped.Count} files skipped, listed below)" : "")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"accuracy {report.Accuracy:P2}  ROC AUC {report.RocAuc:F4}  PR AUC {report.PrAuc:F4}  log-loss {report.LogLoss:F4}  Brier {report.Brier:F4}  ECE {report.ExpectedCalibrationError:F4}{(report.UncalibratedExpectedCalibrationError is { } before ? $" (before calibration {before:F4})" : "")}"));
            var c = report.Confusion;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"confusion (positive = male): TP {c.TruePositives}  TN {c.TrueNegatives}  FP {c.FalsePositives}  FN {c.FalseNegatives}"));
            Console.WriteLine();
            Console.WriteLine(report.Classification.ToString());
            Console.WriteLine("accuracy at coverage: " + string.Join("  ", report.Coverage.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Coverage * 100:0.#}% {c.Accuracy * 100:0.00}%"))));
            if (report.Abstention is { } a)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"abstain band {a.Band}: answered {a.Answered} of {report.N} ({a.Coverage * 100:0.00}%), accuracy {a.Accuracy * 100:0.00}%"));
            foreach (string line in GroupTables.Lines(report.Groups)) Console.WriteLine(line);
            foreach (var (name, sr) in stressed)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"stress {name}: accuracy {sr.Accuracy:P2} ({(sr.Accuracy - report.Accuracy) * 100:+0.00;-0.00} points)  female recall {sr.Classification.Female.Recall:P2}  male recall {sr.Classification.Male.Recall:P2}  on {sr.N} images"));
                foreach (string line in GroupTables.Lines(sr.Groups)) Console.WriteLine("  " + line);
            }
            foreach (var s in report.Skipped) Console.Error.WriteLine($"skipped {s.Path}: {s.Reason}");
        }
        return CliApp.Ok;
    }
}
