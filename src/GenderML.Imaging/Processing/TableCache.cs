namespace GenderML.Imaging.Processing;

/// <summary>
/// Per-thread cache of resize tables keyed by their sizes: a dataset of similar images reuses a few dozen
/// tables instead of building two per image. Cleared when it holds more than 512 entries.
/// </summary>
internal static class TableCache
{
    [ThreadStatic] private static Dictionary<(int, int), AxisWeights>? vertical;
    [ThreadStatic] private static Dictionary<(int, int, int), HorizontalTable>? horizontal;

    public static AxisWeights Vertical(int source, int target)
    {
        var cache = vertical ??= new();
        if (!cache.TryGetValue((source, target), out AxisWeights? w))
        {
            if (cache.Count >= 512) cache.Clear();
            cache[(source, target)] = w = AxisWeights.For(source, target);
        }
        return w;
    }

    public static HorizontalTable Horizontal(int source, int target, int channels)
    {
        var cache = horizontal ??= new();
        if (!cache.TryGetValue((source, target, channels), out HorizontalTable? t))
        {
            if (cache.Count >= 512) cache.Clear();
            cache[(source, target, channels)] = t = HorizontalTable.Create(AxisWeights.For(source, target), source, channels);
        }
        return t;
    }
}
