using System.Runtime.Intrinsics.X86;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Ops;

/// <summary>The AVX-512 small-window max pool against the window-by-window reference, over kernels, strides,
/// paddings and widths around the vector length.</summary>
public sealed class MaxPoolSmallTests
{
    public static TheoryData<int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (var (k, s) in new[] { (2, 1), (2, 2), (3, 2), (3, 1) })
        foreach (int pad in new[] { 0, 1, 2 })
        foreach (int w in new[] { 1, 2, 5, 13, 16, 17, 31, 33, 56, 207 })
            if (pad < k && (w + 2 * pad >= k)) data.Add(k, s, pad, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheReference(int kernel, int stride, int pad, int width)
    {
        if (!Avx512F.IsSupported) return;
        int h = width / 2 + 3;
        foreach (int after in new[] { 0, 1 })
        {
            // Padding after as TensorFlow's 'same' may leave it: up to one more at the bottom/right than before.
            int end = Math.Min(pad + after, kernel - 1);
            var g = new PoolGeometry(3, h, width, kernel, stride, pad, pad, end, end);
            if (g.OutWidth <= 0 || g.OutHeight <= 0) continue;
            Assert.True(MaxPoolSmall.Handles(g));
            var random = new Random(kernel * 1000 + stride * 100 + pad * 10 + width);
            var x = new float[3 * h * width];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 8 - 6);
            var fast = Enumerable.Repeat(float.NaN, 3 * g.OutHeight * g.OutWidth).ToArray();
            var naive = new float[fast.Length];
            MaxPoolSmall.Forward(g, x, fast, 0, 3);
            Pooling.MaxForwardReference(g, x, naive, 0, 3);
            Assert.Equal(naive, fast);
            // With a residual added in the stores: the maxima plus the residual, bit for bit.
            var residual = new float[fast.Length];
            for (int i = 0; i < residual.Length; i++) residual[i] = (float)(random.NextDouble() * 4 - 2);
            MaxPoolSmall.Forward(g, x, fast, 0, 3, residual);
            for (int i = 0; i < naive.Length; i++) Assert.Equal(naive[i] + residual[i], fast[i]);
        }
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(4, 4, 0)]
    public void PoolingAddsTheResidualWhateverKernelRuns(int kernel, int stride, int end)
    {
        const int h = 13, w = 12;
        var g = new PoolGeometry(3, h, w, kernel, stride, 0, 0, end, end);
        var random = new Random(kernel);
        var x = new float[3 * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 8 - 6);
        var residual = new float[3 * g.OutHeight * g.OutWidth];
        for (int i = 0; i < residual.Length; i++) residual[i] = (float)(random.NextDouble() * 4 - 2);
        var naive = new float[residual.Length];
        var fast = new float[residual.Length];
        Pooling.MaxForwardReference(g, x, naive, 0, 3);
        Pooling.MaxForward(g, x, fast, 0, 2, residual);
        Pooling.MaxForward(g, x, fast, 2, 3, residual);
        for (int i = 0; i < naive.Length; i++) Assert.Equal(naive[i] + residual[i], fast[i]);
    }
}
