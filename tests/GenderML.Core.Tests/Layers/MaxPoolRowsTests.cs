using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Layers;

/// <summary>The separable K×K max pooling (<see cref="MaxPoolRows"/>) against the window-by-window reference, over
/// kernels, strides, paddings and widths around the vector width.</summary>
public sealed class MaxPoolRowsTests
{
    [Theory]
    [InlineData(3, 2, 0, 0)]   // the face ResNet's 3×3/2 valid
    [InlineData(3, 2, 1, 1)]
    [InlineData(2, 1, 0, 1)]   // the tiny detector's 2×2/1 'same'
    [InlineData(3, 3, 0, 0)]
    [InlineData(5, 2, 2, 1)]
    [InlineData(3, 1, 1, 1)]
    public void MatchesReference(int kernel, int stride, int padTopLeft, int padBottomRight)
    {
        foreach (int h in new[] { 3, 7, 72 })
        foreach (int w in new[] { 5, 8, 16, 17, 33, 72 })
        {
            var g = new PoolGeometry(3, h, w, kernel, stride, padTopLeft, padTopLeft, padBottomRight, padBottomRight);
            if (g.OutHeight <= 0 || g.OutWidth <= 0 || h + padTopLeft + padBottomRight < kernel
                || w + padTopLeft + padBottomRight < kernel) continue;
            var random = new Random(h * 1000 + w);
            var x = new float[3 * h * w];
            for (int i = 0; i < x.Length; i++) x[i] = random.Next(16) - 8f;
            var expected = new float[3 * g.OutHeight * g.OutWidth];
            var actual = new float[expected.Length];
            Pooling.MaxForwardReference(g, x, expected, 0, 3);
            MaxPoolRows.Forward(g, x, actual, 0, 3);
            Assert.Equal(expected, actual);
        }
    }
}
