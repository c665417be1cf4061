using GenderML.Models;

namespace GenderML.Cli;

/// <summary>Loading the <c>--model</c> file of a command.</summary>
internal static class ModelArgs
{
    /// <summary>The model at <paramref name="path"/>; a missing or invalid file is a <see cref="BadInputException"/>.</summary>
    public static IGenderClassifier Load(string path, int threads, double? canonicalMargin = null, bool detectFaces = false)
    {
        if (path == "pretrained") return TransferArgs.Pretrained(threads, canonicalMargin, detectFaces);
        try
        {
            return GenderClassifier.Load(path, threads);
        }
        catch (FileNotFoundException)
        {
            throw new BadInputException($"{path}: no such model file");
        }
        catch (ModelFormatException e)
        {
            throw new BadInputException(e.Message);
        }
    }
}
