using System.Globalization;
using GenderML.Training;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml train --data DIR --model NAME --out MODEL.zip [--image-size N] [--rgb] [--epochs N] [--batch N] [--lr X]
/// [--seed N] [--resume] ...</c>: trains on the <c>train</c> split (or the whole folder), validates on a stratified
/// part of it, writes a checkpoint after every epoch and the model at the end.
/// </summary>
internal static class TrainCommand
{
    public static int Run(string[] args)
    {
        var a = new CliArgs(args, "--rgb", "--resume", "--no-augment", "--quiet", "--detect-faces");
        string data = a.Required("--data"), name = a.Required("--model"), output = a.Required("--out");
        var recipe = Recipes.Create(name, a);
        var options = Options(a);
        bool quiet = a.Flag("--quiet");
        a.ThrowOnUnknown();
        if (a.Positional.Count > 0) throw new UsageException($"unexpected argument '{a.Positional[0]}'");

        var train = DatasetArgs.TrainPart(DatasetArgs.Load(data));
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var progress = quiet ? null : new ProgressPrinter();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training {recipe.Kind} on {train.Items.Count} images of {data} ({recipe.Preprocessing.Key}), seed {options.Seed}"));
            var result = Trainer.Fit(recipe, train, null, options, progress, cancel.Token);
            progress?.Done();
            foreach (var s in result.Skipped) Console.Error.WriteLine($"skipped {s.Path}: {s.Reason}");
            result.Classifier.Save(output);
            if (options.CheckpointPath is { } checkpoint) File.Delete(checkpoint);
            var t = result.Classifier.Info.Training!;
            if (recipe is Classifiers.TransferRecipe) Console.Error.WriteLine(t.Options);
            string validation = result.Validation is { } v
                ? string.Create(CultureInfo.InvariantCulture, $"validation accuracy {v.Accuracy:P2}, AUC {v.RocAuc:F4} on {v.N} images; ") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{output}: {recipe.Kind}, {validation}{t.Epochs} epochs (best {t.BestEpoch}), {t.Seconds:F1} s, {result.Skipped.Count} files skipped"));
            return CliApp.Ok;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"\ninterrupted; the last finished epoch is in {options.CheckpointPath} — run the same command with --resume to continue");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        TrainingOptions Options(CliArgs a)
        {
            int epochs = a.Int("--epochs", name switch { "dense" => 10, "rnn" => 10, _ => 12 });
            var o = new TrainingOptions
            {
                Epochs = epochs,
                BatchSize = a.Int("--batch", 64),
                LearningRate = a.Double("--lr", name is "dense" or "rnn" ? 1e-3 : 2e-3),
                Seed = a.Int("--seed", 1),
                Threads = a.Int("--threads", Environment.ProcessorCount),
                Resume = a.Flag("--resume"),
                CacheFolder = a.String("--cache"),
                EarlyStoppingPatience = a.Int("--patience", 4),
                ValidationFraction = a.Double("--validation", name == "logreg" ? 0 : 0.1),
                CheckpointPath = Path.GetFullPath(output) + ".checkpoint",
            };
            if (a.Flag("--no-augment")) o = o with { Augmentation = AugmentationOptions.None };
            if (o.ValidationFraction is < 0 or >= 1) throw new UsageException("--validation takes a fraction in [0, 1)");
            if (o.Epochs < 1 || o.BatchSize < 1 || o.Threads < 1 || !(o.LearningRate > 0))
                throw new UsageException("--epochs, --batch, --threads and --lr must be positive");
            return o;
        }
    }
}
