using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="PointwiseConvolution"/> against the reference convolution, on every instruction set the
/// machine runs, with the fused epilogue, over shapes with remainders in every blocked dimension.</summary>
public sealed class PointwiseConvolutionTests
{
    public static TheoryData<int> Isas() => DirectConvolutionTests.Isas();

    private static readonly ConvGeometry[] Shapes =
    [
        new(2, 32, 14, 14, 64, 1, 1),                   // TinyXception's pointwise convs, smaller
        new(1, 128, 7, 7, 256, 1, 1),                   // 49 pixels: one full column block and an edge
        new(3, 16, 5, 7, 25, 1, 1),                     // 25 output channels (row remainder), 35 pixels
        new(2, 3, 1, 1, 9, 1, 1),                       // one pixel, few channels
        new(1, 7, 33, 1, 8, 1, 1),                      // one column
        new(2, 64, 8, 8, 17, 1, 1),                     // 64 pixels: two full blocks of 32
        new(2, 24, 7, 7, 16, 1, 1),                     // 49 pixels, channels a multiple of 8: one 8×49 block
        new(1, 8, 10, 10, 24, 1, 1),                    // 100 pixels: two 8×48 blocks and a 4-column edge
        new(2, 16, 14, 14, 16, 1, 1),                   // 196 pixels: four 8×49 blocks
        new(1, 5, 11, 9, 16, 1, 1),                     // 99 pixels: two 8×48 blocks and a 3-column edge
        new(1, 8, 1, 82, 8, 1, 1),                      // 82 pixels: an 8×48 block, then an 8×32 and a 2-column edge
        new(1, 8, 8, 14, 16, 1, 1),                     // 112 pixels: an 8×48 block, then two 4×64 blocks a sliver
        new(2, 16, 28, 28, 24, 1, 1),                   // 784 pixels (28×28): fifteen 8×48 blocks, then 4×64 ones
        new(1, 200, 14, 14, 16, 1, 1),                  // K 200: 8×49 blocks in two K ranges of 100
        new(2, 300, 7, 7, 24, 1, 1),                    // K 300: one 8×49 block a sliver, three K ranges
        new(1, 130, 10, 10, 8, 1, 1),                   // K 130: 8×48 blocks in two ranges, then a 4-column edge
        new(2, 32, 56, 56, 64, 1, 1, 2, 2),             // stride 2: the reduction blocks' expansion conv
        new(1, 5, 13, 11, 12, 1, 1, 2, 2),              // stride 2 on odd sizes
        new(2, 9, 14, 14, 16, 1, 1, 2, 2),              // stride 2 on rows shorter than a vector pair
        new(1, 4, 9, 10, 8, 1, 1, 3, 2),                // unequal strides
        new(1, 3, 6, 40, 8, 1, 1, 2, 2),                // stride 2, two vectors a row; the last read through masks
    ];

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        foreach (bool fused in new[] { false, true })
        {
            Assert.True(PointwiseConvolution.Handles(g), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var residual = KernelAssert.Random(g.OutputLength, 4);
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, x, w, fused ? b : [], expected);
            if (fused)
                for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            // The output is pre-filled: every value must be written.
            var actual = Enumerable.Repeat(float.NaN, g.OutputLength).ToArray();
            fixed (float* px = x, pw = w, pb = b, py = actual, pr = residual)
                PointwiseConvolution.Forward(fused ? new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true)
                    : new ConvOperands(g, px, pw, null, py), threads, isa);
            KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(g.InChannels)),
                $"{isa} {g} threads={threads} fused={fused}");
        }
    }

    [Fact]
    public unsafe void TheAvx512BlocksGiveTheScalarPathsBits()
    {
        // Every register block keeps each value's FMA chain over K in order and the epilogue's order.
        if (!GemmBlocking.IsSupported(GemmIsa.Avx512)) return;
        foreach (var g in new ConvGeometry[] { new(1, 24, 8, 14, 16, 1, 1), new(1, 32, 28, 28, 16, 1, 1),
            new(1, 16, 10, 10, 8, 1, 1), new(1, 16, 14, 14, 8, 1, 1), new(1, 260, 14, 14, 8, 1, 1),
            new(1, 129, 10, 10, 16, 1, 1) })
        {
            var x = KernelAssert.Random(g.InputLength, 10);
            var w = KernelAssert.Random(g.WeightLength, 11);
            var b = KernelAssert.Random(g.OutChannels, 12);
            var residual = KernelAssert.Random(g.OutputLength, 13);
            var scalar = new float[g.OutputLength];
            var avx512 = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, pr = residual, p0 = scalar, p1 = avx512)
            {
                PointwiseConvolution.Forward(new ConvOperands(g, px, pw, pb, p0, residual: pr, relu: true), 1,
                    GemmIsa.Scalar);
                PointwiseConvolution.Forward(new ConvOperands(g, px, pw, pb, p1, residual: pr, relu: true), 1,
                    GemmIsa.Avx512);
            }
            KernelAssert.BitIdentical(scalar, avx512, g.ToString());
        }
    }

    [Fact]
    public void OneAndTwoThreadsAreBitIdentical()
    {
        var g = new ConvGeometry(1, 64, 13, 13, 40, 1, 1);
        var x = KernelAssert.Random(g.InputLength, 5);
        var w = KernelAssert.Random(g.WeightLength, 6);
        var one = new float[g.OutputLength];
        var two = new float[g.OutputLength];
        Convolution.Forward(g, x, w, [], one, ComputeOptions.SingleThreaded);
        Convolution.Forward(g, x, w, [], two, new ComputeOptions { Threads = 2 });
        KernelAssert.BitIdentical(one, two, g.ToString());
    }

    [Fact]
    public unsafe void TheLayersPackedCacheGivesTheSameBits()
    {
        // A frozen Conv2d hands its PackedWeights; the direct kernel's slivers are this kernel's layout.
        var g = new ConvGeometry(2, 64, 14, 14, 40, 1, 1, 2, 2);
        var x = KernelAssert.Random(g.InputLength, 7);
        var w = KernelAssert.Random(g.WeightLength, 8);
        var b = KernelAssert.Random(g.OutChannels, 9);
        var plain = new float[g.OutputLength];
        var cached = new float[g.OutputLength];
        var packed = new PackedWeights();
        fixed (float* px = x, pw = w, pb = b, p0 = plain, p1 = cached)
        {
            PointwiseConvolution.Forward(new ConvOperands(g, px, pw, pb, p0), 1);
            for (int i = 0; i < 2; i++)
                PointwiseConvolution.Forward(new ConvOperands(g, px, pw, pb, p1, packed: packed), 1);
        }
        GC.KeepAlive(packed);
        KernelAssert.BitIdentical(plain, cached, g.ToString());
    }
}
