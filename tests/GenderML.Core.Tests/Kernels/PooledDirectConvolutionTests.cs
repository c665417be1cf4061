using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="DirectConvolution.ForwardPooled(in ConvOperands, in PoolGeometry, float*, int, GemmIsa)"/>
/// against the direct convolution followed by the naive max pool: the same bits, on every instruction set the machine
/// runs, with and without the ReLU, on 1 and 2 threads.</summary>
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
}
