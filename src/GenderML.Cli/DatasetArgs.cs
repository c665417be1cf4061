using GenderML.Data;

namespace GenderML.Cli;

/// <summary>Loading the <c>--data</c> folder and picking its splits, as every model command does.</summary>
internal static class DatasetArgs
{
    /// <summary>The dataset at <paramref name="path"/>; throws <see cref="BadInputException"/> when there is none.</summary>
    public static Dataset Load(string path)
    {
        try
        {
            return Dataset.Load(path, GenderLabels.Options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            throw new BadInputException(e.Message);
        }
    }

    /// <summary>The training part: the <c>train</c> split when there is one, else everything.</summary>
    public static Dataset TrainPart(Dataset d) => d.Splits.Contains(SplitNames.Train) ? d.Subset(SplitNames.Train) : d;

    /// <summary>The part to evaluate: <paramref name="split"/> when given; else <c>test</c>, then <c>validation</c>, else everything.</summary>
    public static Dataset TestPart(Dataset d, string? split)
    {
        if (split is not null)
        {
            string name = SplitNames.Normalize(split);
            return d.Splits.Contains(name) ? d.Subset(name) : throw new BadInputException($"{d.Root} has no '{split}' split (it has {string.Join(", ", d.Splits)})");
        }
        if (d.Splits.Contains(SplitNames.Test)) return d.Subset(SplitNames.Test);
        if (d.Splits.Contains(SplitNames.Validation)) return d.Subset(SplitNames.Validation);
        return d;
    }
}

/// <summary>Bad data or a bad model file: reported in one line, exit code 2.</summary>
internal sealed class BadInputException(string message) : Exception(message);
