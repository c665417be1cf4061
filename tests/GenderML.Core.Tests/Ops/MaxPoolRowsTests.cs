using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Ops;

/// <summary>The separable max-pool kernel against the window-by-window reference, over kernels, strides, paddings and widths.</summary>
public sealed class MaxPoolRowsTests
{
    public static TheoryData<int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (var (k, s) in new[] { (2, 1), (2, 2), (3, 2), (3, 1), (5, 3) })
        foreach (int pad in new[] { 0, 1 })
        foreach (int w in new[] { 5, 7, 16, 17, 33, 207 })
            if (pad < k) data.Add(k, s, pad, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheReference(int kernel, int stride, int pad, int width)
    {
        int h = width / 2 + 3;
        // Padding after as TensorFlow's 'same' may leave it: one more at the bottom/right than at the top/left.
        var g = new PoolGeometry(3, h, width, kernel, stride, pad, pad, Math.Min(pad + 1, kernel - 1), Math.Min(pad + 1, kernel - 1));
        var random = new Random(kernel * 1000 + stride * 100 + pad * 10 + width);
        var x = new float[3 * h * width];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 8 - 6);
        var fast = new float[3 * g.OutHeight * g.OutWidth];
        var naive = new float[fast.Length];
        MaxPoolRows.Forward(g, x, fast, 0, 3);
        Pooling.MaxForwardReference(g, x, naive, 0, 3);
        Assert.Equal(naive, fast);
    }
}
