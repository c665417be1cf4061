using System.Runtime.Intrinsics;
using GenderML.Trees;

namespace GenderML.Tests.Trees;

public sealed class SplitFinderTests
{
    public static TheoryData<int, int, int, double> Cases => new()
    {
        { 20, 1, 1, 0 },
        { 50, 3, 5, 0 },
        { 97, 6, 10, 1.0 },
        { 200, 9, 1, 0.5 },
        { 300, 13, 30, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Best_split_matches_brute_force(int rows, int features, int minLeaf, double l2)
    {
        var data = HistogramTests.Binned(rows, features, 255, rows + features, out _);
        var rng = new Random(rows);
        var g = Enumerable.Range(0, rows).Select(_ => (float)(rng.NextDouble() - 0.3)).ToArray();
        var h = Enumerable.Range(0, rows).Select(_ => (float)(0.05 + rng.NextDouble() * 0.2)).ToArray();
        var rules = new SplitRules(minLeaf, 1e-3, l2);
        var rowSet = Enumerable.Range(0, rows).ToArray();
        var expected = SplitFinderReference.FindBest(data, rowSet, g, h, rules);

        double gt = rowSet.Sum(r => (double)g[r]), ht = rowSet.Sum(r => (double)h[r]);
        var hist = new Vector128<float>[data.TotalBins];
        var node = new NodeView(0, rows, gt, ht, hist);
        var ordered = rowSet.Select(r => Histogram.Entry(g[r], h[r])).ToArray();
        var actual = NodeSearch.Root(data, rowSet, true, ordered, Enumerable.Range(0, features).ToArray(), node, rules, new ParallelOptions { MaxDegreeOfParallelism = 2 });

        Assert.Equal(expected.Feature, actual.Feature);
        Assert.Equal(expected.Bin, actual.Bin);
        Assert.Equal(expected.LeftCount, actual.LeftCount);
        Assert.Equal(expected.Gain, actual.Gain, 1e-4 * Math.Max(1, expected.Gain));
        Assert.Equal(expected.LeftG, actual.LeftG, 1e-4);
    }

    [Fact]
    public void Children_search_matches_separate_searches()
    {
        int rows = 150, features = 6;
        var data = HistogramTests.Binned(rows, features, 255, 5, out _);
        var rng = new Random(9);
        var g = Enumerable.Range(0, rows).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var h = Enumerable.Range(0, rows).Select(_ => (float)(0.1 + rng.NextDouble() * 0.1)).ToArray();
        var rules = new SplitRules(3, 1e-3, 0);
        // Left = rows with feature 0 in bins ≤ 5 (stable order), right = the rest.
        var all = Enumerable.Range(0, rows).ToArray();
        var left = all.Where(r => data.Columns[r] <= 5).ToArray();
        var right = all.Where(r => data.Columns[r] > 5).ToArray();
        var rowsArr = left.Concat(right).ToArray();
        var (small, large) = left.Length <= right.Length ? (left, right) : (right, left);
        int smallStart = small == left ? 0 : left.Length, largeStart = small == left ? left.Length : 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        var feats = Enumerable.Range(0, features).ToArray();

        var parentHist = new Vector128<float>[data.TotalBins];
        Histogram.Build(data, all, 0, rows, true, all.Select(r => Histogram.Entry(g[r], h[r])).ToArray(), feats, parentHist, po);
        var smallHist = new Vector128<float>[data.TotalBins];
        NodeView View(int[] set, int start, Vector128<float>[] hist)
            => new(start, set.Length, set.Sum(r => (double)g[r]), set.Sum(r => (double)h[r]), hist);
        var (bs, bl) = NodeSearch.Children(
            data, rowsArr, small.Select(r => Histogram.Entry(g[r], h[r])).ToArray(), feats,
            View(small, smallStart, smallHist), View(large, largeStart, parentHist), true, true, rules, po);

        var es = SplitFinderReference.FindBest(data, small, g, h, rules);
        var el = SplitFinderReference.FindBest(data, large, g, h, rules);
        Assert.Equal((es.Feature, es.Bin), (bs.Feature, bs.Bin));
        Assert.Equal((el.Feature, el.Bin), (bl.Feature, bl.Bin));
        Assert.Equal(el.Gain, bl.Gain, 1e-4);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(17)]
    [InlineData(255)]
    public void Feature_scan_over_bin_counts_matches_a_scalar_scan(int bins)
    {
        var rng = new Random(bins);
        var hist = new Vector128<float>[bins];
        for (int b = 0; b < bins; b++)
            hist[b] = Vector128.Create((float)(rng.NextDouble() - 0.4), (float)(0.1 + rng.NextDouble()), (float)rng.Next(0, 4), 0f);
        double g = hist.Sum(e => (double)e[0]), h = hist.Sum(e => (double)e[1]);
        int count = (int)hist.Sum(e => e[2]);
        var rules = new SplitRules(2, 0.05, 0.1);
        double parent = g * g / (h + rules.L2);
        var actual = SplitFinder.BestOfFeature(hist, 3, g, h, count, parent, rules);

        // Scalar reference over the same bins.
        double gl = 0, hl = 0, bestGain = 0; int cl = 0, bestBin = -1;
        for (int b = 0; b + 1 < bins; b++)
        {
            gl += hist[b][0]; hl += hist[b][1]; cl += (int)hist[b][2];
            double gr = g - gl, hr = h - hl;
            if (cl < 2 || count - cl < 2 || hl < 0.05 || hr < 0.05) continue;
            double gain = 0.5 * (gl * gl / (hl + 0.1) + gr * gr / (hr + 0.1) - parent);
            if (gain > bestGain) { bestGain = gain; bestBin = b; }
        }
        Assert.Equal(bestBin, actual.IsValid ? actual.Bin : -1);
        if (actual.IsValid)
        {
            Assert.Equal(3, actual.Feature);
            Assert.Equal(bestGain, actual.Gain, 1e-9);
        }
    }
}
