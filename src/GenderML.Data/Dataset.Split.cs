namespace GenderML.Data;

public sealed partial class Dataset
{
    /// <summary>
    /// Assigns train / validation / test splits, stratified by class and deterministic in <paramref name="seed"/>:
    /// within each class, items are ordered by a 64-bit hash of (seed, path relative to <see cref="Root"/>) and the
    /// first <c>round(n·train)</c> go to train, the next <c>round(n·validation)</c> to validation, the rest to test.
    /// The same files and seed give the same split whatever order the files were found in. When <paramref name="onlySplit"/> is given, only its items are re-split and the
    /// others keep their split (for example: cut a validation set out of <c>train</c>, keep <c>test</c>).
    /// </summary>
    /// <param name="fractions">The train, validation and test shares.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="onlySplit">Re-split only the items of this split; null for all items.</param>
    public Dataset SplitStratified(SplitFractions fractions, int seed, string? onlySplit = null)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        var result = new List<DatasetItem>(Items.Count);
        var perClass = new List<(ulong Key, string Rel, DatasetItem Item)>[ClassNames.Count];
        for (int c = 0; c < perClass.Length; c++) perClass[c] = [];
        foreach (var item in Items)
        {
            if (onlySplit is not null && item.Split != onlySplit) { result.Add(item); continue; }
            string rel = System.IO.Path.GetRelativePath(Root, item.Path).Replace('\\', '/');
            perClass[item.Label].Add((SplitHash(seed, rel), rel, item));
        }
        foreach (var list in perClass)
        {
            list.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : string.CompareOrdinal(a.Rel, b.Rel));
            int n = list.Count;
            int nTrain = (int)Math.Round(n * fractions.Train, MidpointRounding.AwayFromZero);
            int nVal = Math.Min(n - nTrain, (int)Math.Round(n * fractions.Validation, MidpointRounding.AwayFromZero));
            for (int i = 0; i < n; i++)
            {
                string split = i < nTrain ? SplitNames.Train : i < nTrain + nVal ? SplitNames.Validation : SplitNames.Test;
                result.Add(list[i].Item with { Split = split });
            }
        }
        return new Dataset(Root, [.. ClassNames], result, Skipped);
    }

    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="text"/>, seeded, finished with SplitMix64's mixer.</summary>
    internal static ulong SplitHash(int seed, string text)
    {
        ulong h = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (char c in text) h = (h ^ c) * 1099511628211UL;
        h ^= (ulong)(uint)seed << 32;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }
}

/// <summary>The shares of a train / validation / test split; each in [0, 1], summing to 1 (±1e-6).</summary>
public sealed record SplitFractions
{
    /// <summary>Creates the shares, checking that they are in [0, 1] and sum to 1.</summary>
    /// <exception cref="ArgumentException">A share is out of range or they do not sum to 1.</exception>
    public SplitFractions(double train, double validation, double test)
    {
        foreach (double f in new[] { train, validation, test })
            if (!(f >= 0 && f <= 1)) throw new ArgumentException($"split shares must be in [0, 1], got {train}/{validation}/{test}");
        if (Math.Abs(train + validation + test - 1) > 1e-6)
            throw new ArgumentException($"split shares must sum to 1, got {train} + {validation} + {test}");
        (Train, Validation, Test) = (train, validation, test);
    }

    /// <summary>The training share.</summary>
    public double Train { get; }

    /// <summary>The validation share.</summary>
    public double Validation { get; }

    /// <summary>The test share.</summary>
    public double Test { get; }

    /// <summary>80 % train, 10 % validation, 10 % test.</summary>
    public static SplitFractions Default { get; } = new(0.8, 0.1, 0.1);
}
