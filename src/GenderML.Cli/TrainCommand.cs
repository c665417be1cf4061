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
        var a = new CliArgs(args, "--rgb", "--resume", "--no-augment", "--frame-faces", "--no-frame-faces", "--quiet", "--no-mirror", "--detect-faces", "--fine-tune");
        string data = a.Required("--data"), name = a.Required("--model"), output = a.Required("--out");
        var recipe = (TrainingArgs.Parse(a) with { Resume = a.Flag("--resume"), CheckpointPath = Path.GetFullPath(output) + ".checkpoint" }).Apply(name);
        var options = recipe.Training;
        string? curves = a.String("--curves");
        bool quiet = a.Flag("--quiet");
        a.ThrowOnUnknown();
        if (curves is not null && !curves.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && !curves.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--curves takes a .png or .svg file, not '{curves}'");
        if (a.Positional.Count > 0) throw new UsageException($"unexpected argument '{a.Positional[0]}'");

        var train = DatasetArgs.TrainPart(DatasetArgs.Load(data));
        using var cancel = new ConsoleCancellation();
        try
        {
            var progress = quiet ? null : new ProgressPrinter();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training {recipe.Kind} on {train.Items.Count} images of {data} ({recipe.Preprocessing.Key}), seed {options.Seed}"));
            var result = Fit(recipe, train, options, progress, cancel.Token);
            progress?.Done();
            foreach (var s in result.Skipped) Console.Error.WriteLine($"skipped {s.Path}: {s.Reason}");
            if (recipe.Preprocessing.Framing is FaceFraming framing && framing.NoFaceNote() is { } note)
                Console.Error.WriteLine(note);
            result.Classifier.Save(output);
            if (curves is not null)
            {
                if (result.Classifier.Info.Curves is { } c) c.Save(curves);
                else Console.Error.WriteLine($"{recipe.Kind} is fitted in one go and has no per-epoch curves; {curves} not written");
            }
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
            Console.Error.WriteLine(options.CheckpointPath is { } checkpoint && File.Exists(checkpoint)
                ? $"\ninterrupted; the last finished epoch is in {checkpoint} — run the same command with --resume to continue"
                : "\ninterrupted before the first epoch ended: nothing to resume; run the same command again");
            return ConsoleCancellation.InterruptedExitCode;
        }
    }

    /// <summary><see cref="Trainer.Fit"/>, with data that cannot train a model (one class, a foreign checkpoint) reported as bad input.</summary>
    internal static TrainingResult Fit(Classifiers.ClassifierRecipe recipe, Data.Dataset train, TrainingOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        try
        {
            return Trainer.Fit(recipe, train, null, options, progress, cancellation);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            // The library names its properties; here they are flags.
            throw new BadInputException(e.Message.Replace("train with Resume off", "train without --resume", StringComparison.Ordinal));
        }
    }
}
