using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Layers;

/// <summary>The vectorised 2×2 average pooling against the naive loop, bit for bit, over widths with and without a
/// vector remainder and odd sizes (the last row and column dropped).</summary>
public sealed class AvgPool2x2Tests
{
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int h in new[] { 2, 3, 35 })
        foreach (int w in new[] { 2, 3, 31, 32, 33, 35, 64, 67 }) data.Add(h, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesNaiveLoop(int h, int w)
    {
        var random = new Random(h * 100 + w);
        var x = new float[3 * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextSingle() * 2 - 1;
        var g = new PoolGeometry(3, h, w, 2, 2, 0, 0, 0, 0);
        var expected = new float[3 * g.OutHeight * g.OutWidth];
        var actual = new float[expected.Length];
        Pooling.AvgForwardReference(g, countIncludePad: true, x, expected, 0, 3);
        Pooling.AvgForward(g, countIncludePad: true, x, actual, 0, 3);
        Assert.Equal(expected, actual);
        Array.Fill(actual, float.NaN);
        AvgPool2x2.Forward(x, actual, h, w, 1, 3);
        Assert.Equal(expected[(g.OutHeight * g.OutWidth)..], actual[(g.OutHeight * g.OutWidth)..]);
    }
}
