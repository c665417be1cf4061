using GenderML.Core;
using GenderML.Trees;

namespace GenderML.Tests.Trees;

public sealed class BinMapperTests
{
    [Fact]
    public void Few_distinct_values_get_one_bin_each_with_midpoint_thresholds()
    {
        var t = BinMapper.FromDistinct([1, 2, 4], [5, 1, 7], 255);
        Assert.Equal(new[] { 1.5f, 3f }, t);
        Assert.Equal(0, BinMapper.BinOf(t, 1));
        Assert.Equal(1, BinMapper.BinOf(t, 2));
        Assert.Equal(2, BinMapper.BinOf(t, 4));
        Assert.Equal(2, BinMapper.BinOf(t, 1000));
    }

    [Fact]
    public void Many_values_are_cut_at_quantiles()
    {
        double[] values = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();
        long[] counts = Enumerable.Repeat(1L, 1000).ToArray();
        var t = BinMapper.FromDistinct(values, counts, 4);
        // numpy.percentile(range(1000), [25, 50, 75], method="midpoint") = 249.5, 499.5, 749.5 (sklearn's rule)
        Assert.Equal(new[] { 249.5f, 499.5f, 749.5f }, t);
    }

    [Fact]
    public void Constant_column_has_one_bin()
    {
        Assert.Empty(BinMapper.FromDistinct([3], [10], 255));
    }

    [Theory]
    [InlineData(255)]
    [InlineData(16)]
    public void Byte_and_float_inputs_bin_alike(int maxBins)
    {
        var (bytes, _) = TreeData.Pixels(500, 7, 3);
        var floats = bytes.Select(b => (float)b).ToArray();
        var a = BinnedData.Create(FeatureMatrix.FromBytes(bytes, 7), BinMapper.Fit(FeatureMatrix.FromBytes(bytes, 7), maxBins, 0, ComputeOptions.SingleThreaded), ComputeOptions.SingleThreaded);
        var fm = FeatureMatrix.FromFloats(floats, 7);
        var b = BinnedData.Create(fm, BinMapper.Fit(fm, maxBins, 0, ComputeOptions.SingleThreaded), ComputeOptions.SingleThreaded);
        Assert.Equal(a.Offsets, b.Offsets);
        Assert.Equal(a.Columns, b.Columns);
        Assert.All(Enumerable.Range(0, 7), f => Assert.True(a.BinCount(f) <= maxBins));
    }

    [Fact]
    public void Large_float_columns_are_binned_from_a_seeded_sample()
    {
        int n = BinMapper.MaxSampleRows + 50_000;
        var rng = new Random(12);
        var values = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var x = FeatureMatrix.FromFloats(values, 1);
        var a = BinMapper.Fit(x, 255, 1, ComputeOptions.SingleThreaded);
        var b = BinMapper.Fit(x, 255, 1, new ComputeOptions { Threads = 2 });
        Assert.Equal(254, a.Thresholds[0].Length);
        Assert.Equal(a.Thresholds[0], b.Thresholds[0]);
        // Quantile bins of a uniform column hold about n / 255 rows each.
        var binned = BinnedData.Create(x, a, ComputeOptions.SingleThreaded);
        var counts = new int[255];
        foreach (byte v in binned.Columns) counts[v]++;
        Assert.All(counts, c => Assert.InRange(c, n / 255 * 0.8, n / 255 * 1.2));
    }
}
