using GenderML.Models;

namespace GenderML.Cli;

/// <summary>Loading the <c>--model</c> file of a command.</summary>
internal static class ModelArgs
{
    /// <summary>
    /// The model at <paramref name="path"/> (face-api weights from <paramref name="faceModels"/>, null: the packaged
    /// ones); a missing or invalid file is a <see cref="BadInputException"/>.
    /// </summary>
    public static IGenderClassifier Load(string path, int threads, double? canonicalMargin = null, bool detectFaces = false, string? faceModels = null, bool mirror = false)
    {
        if (path == ClassifierPresets.Pretrained) return Pretrained(threads, canonicalMargin, detectFaces, faceModels, mirror);
        try
        {
            return GenderClassifier.Load(path, threads, faceModels);
        }
        catch (FileNotFoundException)
        {
            throw new BadInputException($"{path}: no such model file");
        }
        catch (ModelFormatException e)
        {
            // The library names its parameter; here it is a flag.
            throw new BadInputException(e.Message.Replace("as faceModelsFolder", "with --face-models DIR", StringComparison.Ordinal));
        }
    }

    /// <summary>The ready face-api gender model; missing or altered weights are a bad-input error that says how to fetch them.</summary>
    private static IGenderClassifier Pretrained(int threads, double? canonicalMargin, bool detectFaces, string? faceModels, bool mirror)
    {
        try
        {
            return PretrainedGenderClassifier.Load(faceModels, threads, canonicalMargin, detectFaces, mirror);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            throw new BadInputException(e.Message);
        }
    }
}
