using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="SingleChannelPooledConvolution"/> against <see cref="DirectConvolution.ForwardPooledArgmax"/>
/// (itself tested against the convolution, its ReLU and the pool one by one): the same pooled values and indices, bit
/// for bit, on 1 and 2 threads, with and without padding, pooled rows of 24 (16 + 8), 4 and 33 (16 + 16 + 1) windows.</summary>
public sealed class SingleChannelPooledConvolutionTests
{
    private static readonly ConvGeometry[] Shapes =
    [
        new(3, 1, 50, 50, 32, 3, 3, 1, 1, 0, 0, 0, 0),  // cnn2's first layer: 48×48 → 24×24
        new(2, 1, 50, 50, 16, 3, 3, 1, 1, 1, 1, 1, 1),  // cnn3's: padded, 50×50 → 25×25
        new(2, 1, 10, 10, 9, 3, 3, 1, 1, 0, 0, 0, 0),   // 8×8 → 4×4, an odd channel count
        new(1, 1, 34, 66, 8, 3, 3, 1, 1, 1, 1, 1, 1),   // 34×66 → 17×33
    ];

    [Fact]
    public unsafe void MatchesTheDirectPooledKernel()
    {
        if (!Avx512F.IsSupported) return;
        foreach (var g in Shapes)
        foreach (bool withBias in new[] { true, false })
        foreach (int threads in new[] { 1, 2 })
        {
            var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, 2, 2, 0, 0, 0, 0);
            Assert.True(SingleChannelPooledConvolution.Handles(g, pool), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = withBias ? KernelAssert.Random(g.OutChannels, 3) : null;
            int pooled = pool.Planes * pool.OutHeight * pool.OutWidth;
            var expected = new float[pooled];
            var expectedArg = new byte[pooled];
            var actual = new float[pooled];
            var actualArg = new byte[pooled];
            Array.Fill(actualArg, (byte)7);
            fixed (float* px = x, pw = w, pb = b, py = expected, pz = actual)
            fixed (byte* pa = expectedArg, pc = actualArg)
            {
                DirectConvolution.ForwardPooledArgmax(new ConvOperands(g, px, pw, pb, null, relu: true), pool, py, pa, 1, GemmIsa.Avx512);
                SingleChannelPooledConvolution.Forward(g, px, pw, pb, pz, pc, threads);
            }
            string what = $"{g} bias={withBias} threads={threads}";
            KernelAssert.BitIdentical(expected, actual, what);
            Assert.Equal(expectedArg, actualArg);
            Assert.True(expected.Any(v => v == 0f) && expected.Any(v => v > 0f), what); // both sides of the ReLU
        }
    }

    [Fact]
    public void TakesOnlyOneChannel3x3StrideOne()
    {
        var pool = new PoolGeometry(64 * 32, 48, 48, 2, 2, 0, 0, 0, 0);
        Assert.False(SingleChannelPooledConvolution.Handles(new ConvGeometry(64, 2, 50, 50, 32, 3, 3), pool with { Planes = 64 * 32 }));
        Assert.False(SingleChannelPooledConvolution.Handles(new ConvGeometry(64, 1, 52, 52, 32, 5, 5), pool));
        Assert.Equal(Avx512F.IsSupported, SingleChannelPooledConvolution.Handles(new ConvGeometry(64, 1, 50, 50, 32, 3, 3), pool));
    }
}
