namespace GenderML.Data;

public sealed partial class Dataset
{
    /// <summary>
    /// At most <paramref name="perClass"/> items of each class, drawn without replacement by a seeded shuffle (the same
    /// seed draws the same items); a class with fewer items keeps them all. Order: by path, as every dataset.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perClass"/> is negative.</exception>
    public Dataset Sample(int perClass, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        var random = new Random(seed);
        var kept = new List<DatasetItem>();
        for (int c = 0; c < ClassNames.Count; c++)
        {
            var items = Items.Where(i => i.Label == c).ToArray();
            random.Shuffle(items);
            kept.AddRange(items.Take(perClass));
        }
        return new Dataset(Root, [.. ClassNames], kept, Skipped);
    }
}
