namespace GenderML.Models;

/// <summary>
/// A model file that cannot be loaded: not a zip, a missing or malformed manifest, an unknown format
/// version, unsafe or unexpected entries, oversized or corrupt contents. The message names the file and the problem.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>An exception for <paramref name="filePath"/> with the given <paramref name="problem"/>.</summary>
    public ModelFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The model file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
