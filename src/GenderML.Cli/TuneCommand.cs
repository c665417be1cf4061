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
    public static int Run(string[] args)
    {
        var a = new CliArgs(args, "--json", "--rgb", "--no-augment", "--frame-faces", "--no-frame-faces", "--quiet");
        string data = a.Required("--data"), name = a.Required("--model");
        var recipe = TrainingArgs.Parse(a).Apply(name);
        var options = recipe.Training;
        string? grid = a.String("--grid"), output = a.String("--out");
        int random = a.Int("--random", 0), folds = a.Int("--folds", 5);
        bool json = a.Flag("--json"), quiet = a.Flag("--quiet");
        a.ThrowOnUnknown();
        if (a.Positional.Count > 0) throw new UsageException($"unexpected argument '{a.Positional[0]}'");
        if (folds < 2) throw new UsageException($"--folds must be 2 or more, not {folds}");
        if (random < 0) throw new UsageException("--random takes a positive count");

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
