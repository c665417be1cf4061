using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="DirectConvolution.ForwardPooledArgmax"/> against the direct convolution with its ReLU followed by
/// the 2×2 max pool, and <see cref="MaxPoolArgmax.Backward"/> from its indices against <see cref="MaxPool2x2.Backward"/>
/// from the map: the same bits, on every instruction set the machine runs, on 1 and 2 threads.</summary>
public sealed class PooledArgmaxTests
{
    public static TheoryData<int> Isas() => GemmTests.Isas();

    private static readonly ConvGeometry[] Shapes =
    [
        new(3, 1, 50, 50, 8, 3, 3, 1, 1, 0, 0, 0, 0),   // cnn2's first layer, fewer channels: 48×48 → 24×24 (16 + 8)
        new(2, 3, 12, 36, 20, 3, 3, 1, 1, 1, 1, 1, 1),  // padded, 20 output channels, 6×18 pooled
        new(1, 2, 10, 10, 16, 3, 3, 1, 1, 1, 1, 1, 1),  // an odd pooled map (5×5)
    ];

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesConvolutionReluPoolAndItsBackward(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, 2, 2, 0, 0, 0, 0);
            Assert.True(DirectConvolution.HandlesPooledArgmax(g, pool), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var conv = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, py = conv)
                DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, py, relu: true), 1, isa);
            int pooled = pool.Planes * pool.OutHeight * pool.OutWidth;
            var expected = new float[pooled];
            Pooling.MaxForwardReference(pool, conv, expected, 0, pool.Planes);
            var actual = new float[pooled];
            var argmax = new byte[pooled];
            fixed (float* px = x, pw = w, pb = b, py = actual)
            fixed (byte* pa = argmax)
                DirectConvolution.ForwardPooledArgmax(new ConvOperands(g, px, pw, pb, null, relu: true), pool, py, pa, threads, isa);
            string what = $"{isa} {g} threads={threads}";
            KernelAssert.BitIdentical(expected, actual, what);
            Assert.True(expected.Any(v => v == 0f) && expected.Any(v => v > 0f), what); // both sides of the ReLU

            var gradOutput = KernelAssert.Random(pooled, 4);
            var want = new float[conv.Length];
            MaxPool2x2.Backward(conv, expected, gradOutput, want, g.OutHeight, g.OutWidth, 0, pool.Planes, rectified: true);
            var got = new float[conv.Length];
            Array.Fill(got, float.NaN);
            fixed (byte* pa = argmax)
            fixed (float* po = actual, pg = gradOutput, pd = got)
                MaxPoolArgmax.Backward(pa, po, pg, pd, g.OutHeight, g.OutWidth, 0, pool.Planes, rectified: true, vector: isa == GemmIsa.Avx512);
            KernelAssert.BitIdentical(want, got, what + " backward");
        }
    }
}
