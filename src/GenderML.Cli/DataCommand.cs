using System.CommandLine;
namespace GenderML.Cli;

/// <summary><c>genderml data ...</c>: look at a labelled image folder before training on it.</summary>
internal static partial class DataCommand
{
    /// <summary>The DIR argument of every data subcommand.</summary>
    private static readonly Argument<string> Dir = new("DIR") { Description = "a dataset folder or CSV manifest" };

    /// <summary><c>inspect</c>, <c>average</c>, <c>cache</c> and <c>screen</c>.</summary>
    public static Command Create() => new Command("data", "look at a labelled image folder before training on it")
        .With(InspectCommand(), AverageCommand(), CacheCommand(), ScreenCommand());

    private static Command Action(this Command command, Func<ParseResult, int> run)
    {
        command.SetAction(r => CliApp.Guard(r, run));
        return command;
    }

    /// <summary>Loads the dataset at <paramref name="path"/>; on failure writes why and returns null (exit code 2).</summary>
    private static GenderML.Data.Dataset? TryLoad(string path)
    {
        try
        {
            return GenderML.Data.Dataset.Load(path, GenderLabels.Options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"genderml data: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Opens the pixel cache, showing the progress of a build on standard error and stopping it on Ctrl+C; on an unwritable
    /// cache folder writes why (naming --cache-dir) and returns null.
    /// </summary>
    private static GenderML.Data.PixelCache? TryOpenCache(GenderML.Data.Dataset dataset, GenderML.Data.PreprocessOptions options, GenderML.Data.PixelCacheOptions cacheOptions)
    {
        using var cancel = new ConsoleCancellation();
        var progress = new ProgressPrinter();
        try
        {
            return GenderML.Data.PixelCache.Open(dataset, options, cacheOptions with
            {
                Cancellation = cancel.Token, Progress = GenderML.Training.TrainingProgress.PreparingPass(progress, dataset.Items.Count),
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"genderml data: cannot write the pixel cache in {cacheOptions.Folder ?? GenderML.Data.PixelCacheOptions.DefaultFolder()}: {e.Message} (choose another folder with --cache-dir)");
            return null;
        }
        finally
        {
            progress.Done();
        }
    }

    /// <summary>The path relative to the dataset root when it lies inside it.</summary>
    private static string Relative(string root, string path)
    {
        string rel = Path.GetRelativePath(root, path);
        return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? path : rel;
    }
}
