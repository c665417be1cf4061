using System.Runtime.Intrinsics;
using GenderML.Core;
using GenderML.Trees;

namespace GenderML.Tests.Trees;

public sealed class HistogramTests
{
    internal static BinnedData Binned(int rows, int features, int maxBins, int seed, out FeatureMatrix x)
    {
        var rng = new Random(seed);
        var values = new float[rows * features];
        // Few distinct values per column so bins get several rows each, plus some constant columns.
        for (int i = 0; i < values.Length; i++)
            values[i] = (i % features) % 5 == 4 ? 1f : (float)Math.Round(rng.NextDouble() * 20);
        x = FeatureMatrix.FromFloats(values, features);
        var mapper = BinMapper.Fit(x, maxBins, 0, ComputeOptions.SingleThreaded);
        return BinnedData.Create(x, mapper, ComputeOptions.SingleThreaded);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(33, 4)]
    [InlineData(64, 5)]
    [InlineData(100, 9)]
    [InlineData(257, 33)]
    public void Build_matches_naive_reference(int rows, int features)
    {
        var data = Binned(rows, features, 255, rows, out _);
        var rng = new Random(7);
        var g = Enumerable.Range(0, rows).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var h = Enumerable.Range(0, rows).Select(_ => (float)rng.NextDouble()).ToArray();
        foreach (bool all in new[] { true, false })
        {
            int[] rowSet = all ? Enumerable.Range(0, rows).ToArray() : Enumerable.Range(0, rows).Where(r => r % 3 != 1).ToArray();
            var ordered = rowSet.Select(r => Histogram.Entry(g[r], h[r])).ToArray();
            var hist = new Vector128<float>[data.TotalBins];
            hist.AsSpan().Fill(Vector128.Create(99f)); // stale contents must be cleared
            var featureList = Enumerable.Range(0, data.Features).ToArray();
            Histogram.Build(data, rowSet, 0, rowSet.Length, all, ordered, featureList, hist, new ParallelOptions { MaxDegreeOfParallelism = 2 });
            var expected = HistogramReference.Build(data, rowSet, g, h);
            for (int f = 0; f < data.Features; f++)
                for (int b = 0; b < data.BinCount(f); b++)
                {
                    var e = hist[data.Offsets[f] + b];
                    Assert.Equal(expected[f, b, 0], e[0], 1e-4);
                    Assert.Equal(expected[f, b, 1], e[1], 1e-4);
                    Assert.Equal(expected[f, b, 2], e[2]);
                }
        }
    }

    [Fact]
    public void Empty_row_set_gives_empty_histograms()
    {
        var data = Binned(10, 5, 255, 1, out _);
        var hist = new Vector128<float>[data.TotalBins];
        hist.AsSpan().Fill(Vector128.Create(1f));
        Histogram.Build(data, [], 0, 0, false, [], [0, 1, 2, 3, 4], hist, new ParallelOptions());
        Assert.All(hist, e => Assert.Equal(Vector128<float>.Zero, e));
    }
}
