using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="DirectConvolutionPool2x2"/> against the naive convolution, pool and leaky ReLU on every
/// instruction set the machine runs, and bit for bit against the unfused kernels, whatever the threads and the batch.</summary>
public sealed class DirectConvolutionPool2x2Tests
{
    public static TheoryData<int> Isas() => GemmTests.Isas();

    private static readonly ConvGeometry[] Shapes =
    [
        new(2, 3, 30, 26, 16, 3, 3, 1, 1, 0, 0, 0, 0),    // the tiny detector's conv0, smaller
        new(1, 3, 20, 420, 16, 3, 3, 1, 1, 0, 0, 0, 0),   // its width: 209 pooled columns, several chunks
        new(1, 3, 80, 70, 16, 3, 3, 1, 1, 0, 0, 0, 0),    // chunks read from the image, the last from a strip
        new(2, 8, 13, 17, 9, 3, 3, 1, 1, 1, 1, 1, 1),     // padded, odd output sizes, 9 channels (row remainder)
        new(1, 1, 11, 12, 8, 3, 3, 1, 1, 0, 1, 1, 0),     // one input channel, asymmetric padding
        new(3, 32, 9, 10, 33, 5, 5, 1, 1, 2, 2, 2, 2),    // 5×5, 33 output channels
        new(1, 4, 3, 3, 8, 2, 2, 1, 1, 0, 0, 0, 0),       // 2×2 output: one pooled pixel
    ];

    private static float[] Naive(in ConvGeometry g, float[] x, float[] w, float[] b, float slope)
    {
        var conv = new float[g.OutputLength];
        ConvolutionReference.Forward(g, x, w, b, conv);
        var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, 2, 2, 0, 0, 0, 0);
        var y = new float[pool.Planes * pool.OutHeight * pool.OutWidth];
        Pooling.MaxForwardReference(pool, conv, y, 0, pool.Planes);
        for (int i = 0; i < y.Length; i++) y[i] = y[i] > 0f ? y[i] : slope * y[i];
        return y;
    }

    private static unsafe float[] Fused(in ConvGeometry g, float[] x, float[] w, float[] b, float slope, int threads, GemmIsa isa)
    {
        var y = new float[g.Batch * g.OutChannels * (g.OutHeight / 2) * (g.OutWidth / 2)];
        fixed (float* px = x, pw = w, pb = b, py = y)
            DirectConvolutionPool2x2.Forward(new ConvOperands(g, px, pw, b.Length == 0 ? null : pb, null), py, slope, threads, isa);
        return y;
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void MatchesNaive(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2, 3 })
        foreach (float slope in new[] { 0.1f, 0f })
        {
            Assert.True(DirectConvolutionPool2x2.Handles(g), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = slope == 0f ? [] : KernelAssert.Random(g.OutChannels, 3);
            int reduce = g.InChannels * g.KernelHeight * g.KernelWidth;
            KernelAssert.Close(Naive(g, x, w, b, slope), Fused(g, x, w, b, slope, threads, isa),
                1e-5f * (1 + MathF.Sqrt(reduce)), $"{isa} {g} threads={threads} slope={slope}");
        }
    }

    [Fact]
    public void SameBitsAsTheUnfusedKernelsForAnyThreadsAndBatch()
    {
        foreach (var g in Shapes)
        {
            var x = KernelAssert.Random(g.InputLength, 4);
            var w = KernelAssert.Random(g.WeightLength, 5);
            var b = KernelAssert.Random(g.OutChannels, 6);
            var conv = new float[g.OutputLength];
            Convolution.Forward(g, x, w, b, conv, ComputeOptions.SingleThreaded);
            var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, 2, 2, 0, 0, 0, 0);
            var expected = new float[pool.Planes * pool.OutHeight * pool.OutWidth];
            Pooling.MaxForward(pool, conv, expected, 0, pool.Planes);
            Elementwise.LeakyRelu(expected, 0.1f, expected);
            foreach (int threads in new[] { 1, 2, 3 })
                KernelAssert.BitIdentical(expected, Fused(g, x, w, b, 0.1f, threads, GemmBlocking.BestIsa), $"{g} threads={threads}");
            // The last image alone gives the bits it has in the batch.
            var one = g with { Batch = 1 };
            int image = g.InputLength / g.Batch, pooled = expected.Length / g.Batch;
            var last = Fused(one, x[^image..], w, b, 0.1f, 2, GemmBlocking.BestIsa);
            KernelAssert.BitIdentical(expected.AsSpan(expected.Length - pooled), last, $"{g} last image alone");
        }
    }

    [Fact]
    public void WarmedUpAllocatesNothing()
    {
        var g = new ConvGeometry(1, 3, 40, 70, 16, 3, 3, 1, 1, 0, 0, 0, 0);
        var x = KernelAssert.Random(g.InputLength, 7);
        var w = KernelAssert.Random(g.WeightLength, 8);
        var y = new float[16 * 19 * 34];
        void Step(int threads) => DirectConvolutionPool2x2.TryForward(g, x, w, [], 0.1f, y, threads, null);
        Step(1);
        for (int i = 0; i < 3; i++) Step(2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step(2);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
