using System.Runtime.Intrinsics;

namespace GenderML.Trees;

/// <summary>A leaf's rows, gradient totals and histogram, as the split search sees it.</summary>
internal readonly record struct NodeView(int Start, int Count, double G, double H, Vector128<float>[] Hist);

/// <summary>
/// The split search of a node, fused with its histogram: feature by feature (in fixed chunks of
/// <see cref="Histogram.ChunkSize"/>), the histogram is built, the sibling's derived by subtraction, and both
/// scanned for their best split while they are still in cache. Chunk winners are reduced in chunk order, so the
/// result does not depend on the thread count.
/// </summary>
internal static class NodeSearch
{
    /// <summary>Builds the histogram of <paramref name="node"/> over <paramref name="ordered"/> increments and returns its best split.</summary>
    public static SplitInfo Root(
        BinnedData data, int[] rows, bool allRows, Vector128<float>[] ordered, int[] features, NodeView node, SplitRules rules, ParallelOptions po)
    {
        var (best, _) = Run(data, rows, allRows, ordered, features, node, null, true, false, rules, po);
        return best;
    }

    /// <summary>
    /// Builds the histogram of <paramref name="small"/> (the child with fewer rows), turns the parent's histogram
    /// (<c>large.Hist</c>) into the larger child's by subtracting it, and returns the best split of each child
    /// (<see cref="SplitInfo.None"/> where not asked for; without <paramref name="findLarge"/> the parent's
    /// histogram is left as it was).
    /// </summary>
    public static (SplitInfo Small, SplitInfo Large) Children(
        BinnedData data, int[] rows, Vector128<float>[] ordered, int[] features, NodeView small, NodeView large,
        bool findSmall, bool findLarge, SplitRules rules, ParallelOptions po)
        => Run(data, rows, false, ordered, features, small, findLarge ? large : null, findSmall, findLarge, rules, po);

    private static (SplitInfo, SplitInfo) Run(
        BinnedData data, int[] rows, bool allRows, Vector128<float>[] ordered, int[] features, NodeView small, NodeView? large,
        bool findSmall, bool findLarge, SplitRules rules, ParallelOptions po)
    {
        int size = Histogram.ChunkSize(features.Length);
        int chunks = (features.Length + size - 1) / size;
        var bestSmall = new SplitInfo[chunks];
        var bestLarge = new SplitInfo[chunks];
        double parentSmall = small.G * small.G / (small.H + rules.L2);
        var lg = large.GetValueOrDefault();
        double parentLarge = large is null ? 0 : lg.G * lg.G / (lg.H + rules.L2);
        Parallel.For(0, chunks, po, c =>
        {
            SplitInfo bs = SplitInfo.None, bl = SplitInfo.None;
            int end = Math.Min(features.Length, (c + 1) * size);
            for (int k = c * size; k < end; k += 4)
            {
                int size = Math.Min(4, end - k);
                Histogram.BuildGroup(data, rows, small.Start, small.Count, allRows, ordered, features, k, size, small.Hist);
                for (int j = k; j < k + size; j++)
                {
                    int f = features[j], o = data.Offsets[f], nb = data.BinCount(f);
                    if (findSmall)
                    {
                        var s = SplitFinder.BestOfFeature(small.Hist.AsSpan(o, nb), f, small.G, small.H, small.Count, parentSmall, rules);
                        if (s.Gain > bs.Gain) bs = s;
                    }
                    if (large is not null)
                    {
                        Histogram.Subtract(data, f, lg.Hist, small.Hist, lg.Hist);
                        if (findLarge)
                        {
                            var s = SplitFinder.BestOfFeature(lg.Hist.AsSpan(o, nb), f, lg.G, lg.H, lg.Count, parentLarge, rules);
                            if (s.Gain > bl.Gain) bl = s;
                        }
                    }
                }
            }
            bestSmall[c] = bs;
            bestLarge[c] = bl;
        });
        return (Reduce(bestSmall), Reduce(bestLarge));
    }

    private static SplitInfo Reduce(SplitInfo[] candidates)
    {
        var result = SplitInfo.None;
        foreach (var s in candidates)
            if (s.Gain > result.Gain) result = s;
        return result;
    }
}
