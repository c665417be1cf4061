using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="DirectConvolution.ForwardPooled(in ConvOperands, in PoolGeometry, float*, int, GemmIsa)"/>
/// and <see cref="DirectConvolution.ForwardPooledLeaky"/> against the convolution, the activation and the max pool run
/// one after another: the same bits, on every instruction set the machine runs, with the ReLU, a leaky ReLU or nothing,
/// whatever the threads and the batch.</summary>
public sealed class PooledDirectConvolutionTests
{
    public static TheoryData<int> Isas() => GemmTests.Isas();

    private static readonly (ConvGeometry Conv, int Kernel, int Stride)[] Shapes =
    [
        (new(2, 3, 41, 40, 32, 7, 7, 2, 2, 0, 0, 0, 0), 3, 2),   // the face ResNet's stem and pool, smaller
        (new(1, 3, 150, 150, 32, 7, 7, 2, 2, 0, 0, 0, 0), 3, 2), // the stem itself, one image in bands
        (new(3, 32, 19, 18, 20, 3, 3, 2, 2, 0, 0, 0, 0), 2, 2),  // 2×2 pool, 20 output channels (row remainder)
        (new(2, 1, 12, 13, 8, 3, 3, 1, 1, 1, 1, 1, 1), 2, 2),    // stride-1 conv, odd width
        (new(1, 5, 9, 40, 9, 3, 3, 1, 1, 0, 0, 0, 0), 3, 1),     // stride-1 pool
        (new(1, 3, 9, 9, 8, 3, 3, 2, 2, 0, 0, 0, 0), 3, 2),      // one pooled pixel
        (new(1, 2, 300, 200, 16, 3, 3, 1, 1, 1, 1, 1, 1), 2, 2), // a large C: the band in chunks
        (new(1, 2, 240, 150, 16, 3, 3, 1, 1, 0, 0, 0, 0), 3, 2), // chunks whose rows overlap
    ];

    /// <summary>2×2, stride-2 pools after a stride-1 convolution and a leaky ReLU (the tiny detector's conv0).</summary>
    private static readonly ConvGeometry[] LeakyShapes =
    [
        new(2, 3, 30, 26, 16, 3, 3, 1, 1, 0, 0, 0, 0),    // the tiny detector's conv0, smaller
        new(1, 3, 20, 420, 16, 3, 3, 1, 1, 0, 0, 0, 0),   // its width: 209 pooled columns
        new(1, 3, 160, 420, 16, 3, 3, 1, 1, 1, 1, 1, 1),  // padded, in chunks
        new(2, 8, 13, 17, 9, 3, 3, 1, 1, 1, 1, 1, 1),     // padded, odd output sizes, 9 channels (row remainder)
        new(1, 1, 11, 12, 8, 3, 3, 1, 1, 0, 1, 1, 0),     // one input channel, asymmetric padding
        new(3, 32, 9, 10, 33, 5, 5, 1, 1, 2, 2, 2, 2),    // 5×5, 33 output channels
        new(1, 4, 3, 3, 8, 2, 2, 1, 1, 0, 0, 0, 0),       // 2×2 output: one pooled pixel
    ];

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesConvolutionThenPool(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var (g, kernel, stride) in Shapes)
        foreach (bool relu in new[] { true, false })
        foreach (int threads in new[] { 1, 2 })
        {
            var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, kernel, stride, 0, 0, 0, 0);
            Assert.True(DirectConvolution.HandlesPooled(g, pool), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var conv = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, py = conv)
                DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, py, relu: relu), 1, isa);
            var expected = new float[pool.Planes * pool.OutHeight * pool.OutWidth];
            Pooling.MaxForwardReference(pool, conv, expected, 0, pool.Planes);
            var actual = new float[expected.Length];
            fixed (float* px = x, pw = w, pb = b, py = actual)
                DirectConvolution.ForwardPooled(new ConvOperands(g, px, pw, pb, null, relu: relu), pool, py, threads, isa);
            KernelAssert.BitIdentical(expected, actual, $"{isa} {g} pool {kernel}/{stride} relu={relu} threads={threads}");
        }
    }

    private static unsafe float[] Leaky(in ConvGeometry g, float[] x, float[] w, float[] b, float slope, int threads, GemmIsa isa)
    {
        var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, 2, 2, 0, 0, 0, 0);
        Assert.True(DirectConvolution.HandlesPooled(g, pool), g.ToString());
        var y = new float[pool.Planes * pool.OutHeight * pool.OutWidth];
        fixed (float* px = x, pw = w, pb = b, py = y)
            DirectConvolution.ForwardPooledLeaky(new ConvOperands(g, px, pw, b.Length == 0 ? null : pb, null), pool, slope, py, threads, isa);
        return y;
    }

    /// <summary>The convolution (bias when given), the leaky ReLU, then the 2×2 pool, each on its own.</summary>
    private static float[] LeakyUnfused(in ConvGeometry g, float[] x, float[] w, float[] b, float slope, bool naive)
    {
        var conv = new float[g.OutputLength];
        if (naive) ConvolutionReference.Forward(g, x, w, b, conv);
        else Convolution.Forward(g, x, w, b, conv, ComputeOptions.SingleThreaded);
        Elementwise.LeakyRelu(conv, slope, conv);
        var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, 2, 2, 0, 0, 0, 0);
        var y = new float[pool.Planes * pool.OutHeight * pool.OutWidth];
        if (naive) Pooling.MaxForwardReference(pool, conv, y, 0, pool.Planes);
        else Pooling.MaxForward(pool, conv, y, 0, pool.Planes);
        return y;
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void LeakyMatchesNaive(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in LeakyShapes)
        foreach (int threads in new[] { 1, 2, 3 })
        foreach (float slope in new[] { 0.1f, 0f })
        {
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = slope == 0f ? [] : KernelAssert.Random(g.OutChannels, 3);
            int reduce = g.InChannels * g.KernelHeight * g.KernelWidth;
            KernelAssert.Close(LeakyUnfused(g, x, w, b, slope, naive: true), Leaky(g, x, w, b, slope, threads, isa),
                1e-5f * (1 + MathF.Sqrt(reduce)), $"{isa} {g} threads={threads} slope={slope}");
        }
    }

    [Fact]
    public void LeakySameBitsAsTheUnfusedKernelsForAnyThreadsAndBatch()
    {
        foreach (var g in LeakyShapes)
        foreach (float slope in new[] { 0.1f, 0f })
        {
            var x = KernelAssert.Random(g.InputLength, 4);
            var w = KernelAssert.Random(g.WeightLength, 5);
            // Slope 0 without a bias: negative values stay −0, as the leaky ReLU leaves them (the ReLU gives +0).
            var b = slope == 0f ? [] : KernelAssert.Random(g.OutChannels, 6);
            var expected = LeakyUnfused(g, x, w, b, slope, naive: false);
            foreach (int threads in new[] { 1, 2, 3 })
                KernelAssert.BitIdentical(expected, Leaky(g, x, w, b, slope, threads, GemmBlocking.BestIsa), $"{g} slope={slope} threads={threads}");
            // The last image alone gives the bits it has in the batch.
            var one = g with { Batch = 1 };
            int image = g.InputLength / g.Batch, pooled = expected.Length / g.Batch;
            var last = Leaky(one, x[^image..], w, b, slope, 2, GemmBlocking.BestIsa);
            KernelAssert.BitIdentical(expected.AsSpan(expected.Length - pooled), last, $"{g} slope={slope} last image alone");
        }
    }

    [Fact]
    public void LeakyWarmedUpAllocatesNothing()
    {
        var g = new ConvGeometry(1, 3, 40, 70, 16, 3, 3, 1, 1, 0, 0, 0, 0);
        var x = KernelAssert.Random(g.InputLength, 7);
        var w = KernelAssert.Random(g.WeightLength, 8);
        var pool = new PoolGeometry(16, 38, 68, 2, 2, 0, 0, 0, 0);
        var y = new float[16 * 19 * 34];
        var single = new ComputeOptions { Threads = 1 };
        var two = new ComputeOptions { Threads = 2 };
        void Step(ComputeOptions options) => Convolution.TryForwardPooled(g, x, w, [], false, 0.1f, pool, y, options, null);
        Step(single);
        for (int i = 0; i < 3; i++) Step(two);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step(two);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
