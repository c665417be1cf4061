using System.CommandLine;
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
    private static readonly Option<string> Data = CliOptions.Text("--data", "DIR", "the labelled images (a folder or CSV manifest)", required: true);
    private static readonly Option<string> Model = CliOptions.Text("--model", "NAME", $"the model: {string.Join(", ", ClassifierPresets.Names)}", required: true);
    private static readonly Option<string> Out = CliOptions.Text("--out", "MODEL.zip", "the model file to write", required: true);
    private static readonly Option<bool> Resume = CliOptions.Flag("--resume", "continue from the checkpoint MODEL.zip.checkpoint of an interrupted run");
    private static readonly Option<string> Curves = CliOptions.Text("--curves", "FILE", "also draw the training curves (.png or .svg)").WithExtension(".png", ".svg");
    private static readonly Option<bool> Quiet = CliOptions.Flag("--quiet", "no progress on standard error");
    private static readonly Option<string> Embeddings = CliOptions.Folder("--embeddings", "DIR",
        "transfer models: the embeddings from the output of batch embed over the same images (every shard finished), instead of computing them");
    private static readonly ModelOptions Options = new();

    public static Command Create()
    {
        var command = new Command("train", "train a model on the train split (or the whole folder) and save it; all but logreg frame every image around its face")
            .With(Data, Model, Out, Resume, Curves, Quiet, Embeddings);
        Options.AddTo(command).SetAction(r => CliApp.Guard(r, Run));
        return command;
    }

    private static int Run(ParseResult r)
    {
        string data = r.GetValue(Data)!, name = r.GetValue(Model)!, output = r.GetValue(Out)!;
        var recipe = (Options.Flags(r) with { Resume = r.GetValue(Resume), CheckpointPath = Path.GetFullPath(output) + ".checkpoint" }).Apply(name);
        var options = recipe.Training with { Notes = Console.Error.WriteLine };
        string? curves = r.GetValue(Curves);
        bool quiet = r.GetValue(Quiet);

        foreach (string? o in new[] { output, curves, options.CheckpointPath }) GenderML.Data.OutputFile.Check(o, data, options.CacheFolder);
        using var outputLock = GenderML.Data.OutputFile.Lock(output);
        var train = DatasetArgs.TrainPart(DatasetArgs.Load(data));
        if (r.GetValue(Embeddings) is { } embeddings) ImportEmbeddings(embeddings, recipe, train, options.CacheFolder);
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
            Console.Error.WriteLine("calibration: " + result.Classifier.Info.Calibration.Describe());
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

    /// <summary>Puts the embeddings of a batch embed job where the recipe's training reads them (<see cref="Batch.BatchEmbeddings"/>).</summary>
    private static void ImportEmbeddings(string folder, Classifiers.ClassifierRecipe recipe, Data.Dataset train, string? cacheFolder)
    {
        if (recipe is not Classifiers.TransferRecipe transfer)
            throw new UsageException($"--embeddings goes with a transfer model, not {recipe.Kind}");
        try
        {
            int n = Batch.BatchEmbeddings.Import(Batch.BatchOutput.Open(folder), transfer, train, cacheFolder);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embeddings of {n} training images from {folder}"));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Replace("a fine-tuned transfer recipe", "--fine-tune", StringComparison.Ordinal));
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
