using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GenderML.Data;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml compare --data DIR --models logreg,dense,cnn2 [--split test] [--json] [training options]</c>: trains each model
/// with the same seed on the same training split, scores each on the same test split and prints one table.
/// </summary>
internal static class CompareCommand
{
    private static readonly Option<string> Data = CliOptions.Text("--data", "DIR", "the labelled images (a folder or CSV manifest)", required: true);
    private static readonly Option<string> Models = CliOptions.Text("--models", "NAME,NAME,...", $"the models: {string.Join(", ", ClassifierPresets.Names)}", required: true);
    private static readonly Option<string> Split = CliOptions.Text("--split", "NAME", "the split to test on (default: test, else validation; a folder without one: 80/20 from the seed)");
    private static readonly Option<bool> JsonOption = CliOptions.Json("the table as JSON");
    private static readonly Option<bool> Quiet = CliOptions.Flag("--quiet", "no progress on standard error");
    private static readonly ModelOptions Options = new();

    public static Command Create()
    {
        var command = new Command("compare", "train each model with the same seed and split and print one table: accuracy (also with the faces shrunk to ×0.7), macro F1, AUC, training s, inference ms per image, model size; each option applies to the models it fits")
            .With(Data, Models, Split, JsonOption, Quiet);
        Options.AddTo(command).SetAction(r => CliApp.Guard(r, Run));
        return command;
    }

    private static int Run(ParseResult r)
    {
        string data = r.GetValue(Data)!;
        string[] names = r.GetValue(Models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        names = [.. names.Distinct(StringComparer.Ordinal)];
        if (names.Length == 0) throw new UsageException($"--models takes a comma-separated list of {string.Join(", ", ClassifierPresets.Names)}");
        var flags = Options.Flags(r);
        var recipes = names.Select(n => flags.Apply(n, strict: false)).ToList();
        var options = recipes.ToDictionary(x => x.Kind, x => x.Training, StringComparer.Ordinal);
        string? split = r.GetValue(Split);
        bool json = r.GetValue(JsonOption), quiet = r.GetValue(Quiet);

        var (train, test) = Parts(DatasetArgs.Load(data), split, options[names[0]].Seed);
        var progress = quiet ? null : new SynchronousProgress<string>(kind => Console.Error.WriteLine($"training {kind} on {train.Items.Count} images, testing on {test.Items.Count}"));
        IReadOnlyList<ComparisonRow> rows;
        try
        {
            using var cancel = new ConsoleCancellation();
            rows = Comparison.Run(recipes, train, test, r => options[r.Kind], progress, cancel.Token);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new BadInputException(e.Message);
        }
        Console.WriteLine(json ? Json(rows) : Table(rows));
        return CliApp.Ok;
    }

    /// <summary>The train and test parts: the folder's splits when it has a test (or validation) split, else a stratified 80/20 split from the seed.</summary>
    internal static (Dataset Train, Dataset Test) Parts(Dataset d, string? split, int seed)
    {
        if (split is not null || d.Splits.Contains(SplitNames.Test) || d.Splits.Contains(SplitNames.Validation))
        {
            // Never train on the images it tests on: a folder with a test split needs its own train split.
            if (!d.Splits.Contains(SplitNames.Train))
                throw new BadInputException($"{d.Root} has a test split but no train split (it has {string.Join(", ", d.Splits)})");
            return (d.Subset(SplitNames.Train), DatasetArgs.TestPart(d, split));
        }
        var s = d.SplitStratified(new SplitFractions(0.8, 0, 0.2), seed);
        return (s.Subset(SplitNames.Train), s.Subset(SplitNames.Test));
    }

    internal static string Table(IReadOnlyList<ComparisonRow> rows)
    {
        var sb = new StringBuilder();
        string loose = string.Create(CultureInfo.InvariantCulture, $"at ×{Comparison.FramingCheckFactor}");
        sb.Append(CultureInfo.InvariantCulture, $"{"model",-8} {"accuracy",9} {loose,9} {"macro F1",9} {"ROC AUC",8} {"train s",9} {"ms/image",9} {"predict ms",10} {"size KB",9}\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture,
                $"{r.Kind,-8} {r.Accuracy * 100,8:F2}% {r.Framing.Report.Accuracy * 100,8:F2}% {r.MacroF1,9:F4} {r.RocAuc,8:F4} {r.TrainingSeconds,9:F1} {r.InferenceMsPerImage,9:F3} {r.PredictMsPerImage,10:F3} {r.ModelKilobytes,9:F1}\n");
        sb.Append(CultureInfo.InvariantCulture, $"({loose}: the test images with each face shrunk to {Comparison.FramingCheckFactor * 100:0}% of its size in the frame, a looser framing;\n");
        sb.Append(" ms/image: an evaluation from the model's cache of its inputs; predict ms: from a decoded image to its prediction, face framing included)\n");
        return sb.ToString().TrimEnd('\n');
    }

    internal static string Json(IReadOnlyList<ComparisonRow> rows) => JsonSerializer.Serialize(new
    {
        models = rows.Select(r => new
        {
            model = r.Kind, n = r.Report.N, accuracy = r.Accuracy, reframe = r.Framing.Factor, reframedAccuracy = r.Framing.Report.Accuracy, macroF1 = r.MacroF1, auc = r.RocAuc,
            trainingSeconds = r.TrainingSeconds, inferenceMsPerImage = r.InferenceMsPerImage, predictMsPerImage = double.IsNaN(r.PredictMsPerImage) ? (double?)null : r.PredictMsPerImage, modelKB = r.ModelKilobytes,
        }),
    });
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread, at once (<see cref="Progress{T}"/> posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
