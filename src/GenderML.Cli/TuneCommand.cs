using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml tune --data DIR --model NAME [--grid "c=0.01,0.1,1" | --random N] [--folds K] [--out MODEL.zip] [--json] [training options]</c>:
/// scores each setting by stratified k-fold cross-validation on the training split, prints mean ± sd accuracy and the best;
/// with <c>--out</c>, refits the best setting on all the training data and saves it.
/// </summary>
internal static class TuneCommand
{
    private static readonly Option<string> Data = CliOptions.Text("--data", "DIR", "the labelled images (a folder or CSV manifest)", required: true);
    private static readonly Option<string> Model = CliOptions.Text("--model", "NAME", $"the model: {string.Join(", ", ClassifierPresets.Names)}", required: true);
    private static readonly Option<string> Grid = CliOptions.Text("--grid", "SPEC",
        "the settings to try, e.g. \"c=0.001,0.01,0.1,1\" or \"lr=0.001,0.003; epochs=5,10\" (default: the model's own space)");
    private static readonly Option<int?> Random = CliOptions.Int("--random", "N", "try N random settings of the space instead of all", 0);
    private static readonly Option<int?> Folds = CliOptions.Int("--folds", "K", "cross-validation folds (default: 5)", 2);
    private static readonly Option<string> Out = CliOptions.Text("--out", "MODEL.zip", "refit the best setting on all the training data and save it");
    private static readonly Option<bool> Json = CliOptions.Json("the results as JSON");
    private static readonly Option<bool> Quiet = CliOptions.Flag("--quiet", "no progress");
    private static readonly ModelOptions Options = new();

    public static Command Create()
    {
        var command = new Command("tune", "stratified k-fold search of a model's settings (logreg: c; networks: lr, epochs, hidden, batch)")
            .With(Data, Model, Grid, Random, Folds, Out, Json, Quiet);
        Options.AddTo(command).SetAction(r => CliApp.Guard(r, Run));
        return command;
    }

    private static int Run(ParseResult r)
    {
        string data = r.GetValue(Data)!, name = r.GetValue(Model)!;
        var recipe = Options.Flags(r).Apply(name);
        var options = recipe.Training;
        string? grid = r.GetValue(Grid), output = r.GetValue(Out);
        int random = r.GetValue(Random) ?? 0, folds = r.GetValue(Folds) ?? 5;
        bool json = r.GetValue(Json), quiet = r.GetValue(Quiet);

        IReadOnlyList<TuningSetting> settings;
        try
        {
            var space = grid is null ? TuningSpace.Default(recipe) : TuningSpace.Parse(grid);
            settings = random > 0 ? TuningSpace.Random(space, random, options.Seed) : TuningSpace.Grid(space);
            foreach (var s in settings) s.Apply(recipe, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException($"--grid: {e.Message}");
        }

        GenderML.Data.OutputFile.Check(output, data, options.CacheFolder);
        var train = DatasetArgs.TrainPart(DatasetArgs.Load(data));
        var progress = quiet || json ? null : new SynchronousProgress<TuningResult>(r => Console.WriteLine(Line(r)));
        if (!quiet) Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tuning {recipe.Kind}: {settings.Count} settings × {folds} folds on {train.Items.Count} images, seed {options.Seed}"));
        IReadOnlyList<TuningResult> results;
        try
        {
            using var cancel = new ConsoleCancellation();
            results = Tuner.Search(recipe, train, settings, folds, options, progress, cancel.Token);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new BadInputException(e.Message);
        }
        var best = Tuner.Best(results);
        if (output is not null)
        {
            var (bestRecipe, bestOptions) = best.Setting.Apply(recipe, options);
            var fit = TrainCommand.Fit(bestRecipe, train, bestOptions, null, CancellationToken.None);
            fit.Classifier.Save(output);
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                model = recipe.Kind, folds,
                results = results.Select(r => new { setting = r.Setting.Values, mean = r.Mean, sd = r.StandardDeviation, folds = r.FoldAccuracies }),
                best = new { setting = best.Setting.Values, mean = best.Mean, sd = best.StandardDeviation },
                output,
            }));
        }
        else
        {
            Console.WriteLine("best: " + Line(best) + (output is null ? "" : $"; refitted on all {train.Items.Count} training images → {output}"));
        }
        return CliApp.Ok;
    }

    private static string Line(TuningResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Setting}: accuracy {r.Mean * 100:F2}% ± {r.StandardDeviation * 100:F2}");
}
