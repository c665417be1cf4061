using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="DirectConvolution"/> against the reference convolution, on every instruction set the machine
/// runs, with the fused epilogue, over shapes with remainders in every blocked dimension.</summary>
public sealed class DirectConvolutionTests
{
    public static TheoryData<int> Isas() => GemmTests.Isas();

    private static readonly ConvGeometry[] Shapes =
    [
        new(2, 32, 35, 35, 32, 3, 3, 1, 1, 1, 1, 1, 1),   // the face ResNet's 32-channel blocks
        new(1, 64, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1),   // 64-channel blocks, one image in bands
        new(3, 8, 1, 1, 9, 3, 3, 1, 1, 1, 1, 1, 1),       // 1×1 image, 9 output channels (row remainder)
        new(2, 16, 8, 8, 33, 3, 3, 1, 1, 0, 0, 1, 1),     // TensorFlow 'same' (odd pad bottom/right), 33 channels
        new(1, 12, 7, 20, 16, 3, 2, 1, 1, 2, 0, 1, 1),    // 3×2 kernel, asymmetric padding
        new(2, 8, 11, 5, 8, 5, 5, 1, 1, 2, 2, 2, 2),      // 5×5
        new(2, 24, 6, 6, 17, 3, 3, 1, 1, 0, 0, 0, 0),     // valid
        new(3, 1, 50, 50, 32, 3, 3, 1, 1, 0, 0, 0, 0),    // one input channel: cnn2's first convolution
        new(2, 1, 9, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1),      // one input channel, padded
        new(2, 3, 41, 40, 32, 7, 7, 2, 2, 0, 0, 0, 0),    // stride 2: the face ResNet's stem, smaller
        new(3, 32, 35, 35, 64, 3, 3, 2, 2, 0, 0, 0, 0),   // stride 2: a downsampling block's first conv
        new(1, 5, 9, 8, 8, 3, 3, 2, 2, 1, 0, 1, 1),       // stride 2, asymmetric padding, odd sizes
        new(2, 4, 10, 11, 12, 4, 4, 2, 2, 1, 1, 2, 1),    // stride 2, even kernel
        new(1, 3, 2, 2, 8, 2, 2, 2, 2, 0, 0, 0, 0),       // stride 2, one output pixel
        new(1, 3, 112, 112, 32, 3, 3, 2, 2, 0, 0, 1, 1),  // stride 2, rows ≥ 32 stored in place: the age/gender stem
        new(2, 2, 70, 75, 16, 5, 5, 2, 2, 2, 2, 2, 2),    // stride 2 in place, 5×5: two dropped columns a row
        new(1, 4, 66, 64, 12, 3, 3, 2, 2, 1, 1, 1, 1),    // stride 2, rows ≥ 32 but 12 channels: through C
    ];

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            Assert.True(DirectConvolution.Handles(g), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var residual = KernelAssert.Random(g.OutputLength, 4);
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, x, w, b, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            var actual = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, py = actual, pr = residual)
                DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true), threads, isa);
            int reduce = g.InChannels * g.KernelHeight * g.KernelWidth;
            KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(reduce)), $"{isa} {g} threads={threads}");
        }
    }

    /// <summary>Stride-2 shapes the deinterleaving blocks take: full 16-column vectors, the last 8 columns of two rows
    /// in one vector (and of an odd last row alone), padding above and below, a right padding column or none, taller
    /// kernels, 1–16 input channels; and shapes they leave to the parity planes.</summary>
    private static readonly ConvGeometry[] DeinterleavedShapes =
    [
        new(1, 3, 112, 112, 32, 3, 3, 2, 2, 0, 0, 1, 1),  // the age/gender stem: 56 columns (3 vectors + 8 of two rows)
        new(2, 1, 33, 32, 8, 3, 3, 2, 2, 1, 0, 1, 1),     // one channel, padded above and below, 16 columns, 17 rows
        new(1, 2, 30, 48, 16, 3, 3, 2, 2, 0, 0, 1, 1),    // 24 columns, 15 rows: the odd last row's 8 columns alone
        new(3, 3, 20, 16, 24, 3, 3, 2, 2, 0, 0, 1, 1),    // 8 columns: every vector shared by two rows
        new(3, 3, 20, 33, 24, 3, 3, 2, 2, 0, 0, 0, 0),    // 16 columns, no right padding (tap 2 reads column W − 1)
        new(1, 3, 40, 32, 16, 5, 3, 2, 2, 2, 0, 2, 1),    // 5×3 kernel, two rows of padding above
        new(1, 16, 24, 32, 8, 3, 3, 2, 2, 1, 0, 1, 1),    // 16 input channels
    ];

    private static readonly ConvGeometry[] ParityPlaneShapes =
    [
        new(1, 3, 20, 17, 24, 3, 3, 2, 2, 0, 0, 0, 0),    // 8 columns without right padding
        new(1, 3, 21, 21, 16, 3, 3, 2, 2, 1, 1, 1, 1),    // left padding
        new(1, 3, 20, 32, 12, 3, 3, 2, 2, 0, 0, 1, 1),    // 12 output channels
        new(1, 3, 20, 40, 16, 5, 5, 2, 2, 0, 0, 1, 1),    // 5-wide taps
    ];

    [Fact]
    public void DeinterleavedTakesOnlyItsShapes()
    {
        foreach (var g in ParityPlaneShapes)
            Assert.False(DirectConvolution.TakesDeinterleaved(g, GemmIsa.Avx512), g.ToString());
        foreach (var g in DeinterleavedShapes)
            Assert.False(DirectConvolution.TakesDeinterleaved(g, GemmIsa.Avx2), g.ToString());
    }

    [Fact]
    public unsafe void DeinterleavedMatchesParityPlanes()
    {
        if (!GemmBlocking.IsSupported(GemmIsa.Avx512)) return;
        foreach (var g in DeinterleavedShapes)
        foreach (int threads in new[] { 1, 2 })
        foreach (bool withBias in new[] { true, false })
        foreach (bool relu in new[] { true, false })
        {
            Assert.True(DirectConvolution.TakesDeinterleaved(g, GemmIsa.Avx512), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 11);
            var w = KernelAssert.Random(g.WeightLength, 12);
            var b = KernelAssert.Random(g.OutChannels, 13);
            var planes = new float[g.OutputLength];
            var direct = new float[g.OutputLength];
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, x, w, withBias ? b : [], expected);
            if (relu) for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i], 0f);
            fixed (float* px = x, pw = w, pb = b, pp = planes, pd = direct)
            {
                var bias = withBias ? pb : null;
                DirectConvolution.Forward(new ConvOperands(g, px, pw, bias, pp, relu: relu), threads, GemmIsa.Avx512,
                    parityPlanes: true);
                DirectConvolution.Forward(new ConvOperands(g, px, pw, bias, pd, relu: relu), threads, GemmIsa.Avx512);
            }
            string label = $"{g} threads={threads} bias={withBias} relu={relu}";
            KernelAssert.BitIdentical(planes, direct, label);
            KernelAssert.Close(expected, direct, 1e-5f * (1 + MathF.Sqrt(g.InChannels * g.KernelHeight * 3)), label);
        }
    }

    [Fact]
    public unsafe void OneAndTwoThreadsAreBitIdentical()
    {
        var g = new ConvGeometry(1, 32, 13, 13, 32, 3, 3, 1, 1, 1, 1, 1, 1);
        var x = KernelAssert.Random(g.InputLength, 5);
        var w = KernelAssert.Random(g.WeightLength, 6);
        var one = new float[g.OutputLength];
        var two = new float[g.OutputLength];
        Convolution.Forward(g, x, w, [], one, ComputeOptions.SingleThreaded);
        Convolution.Forward(g, x, w, [], two, new ComputeOptions { Threads = 2 });
        KernelAssert.BitIdentical(one, two, g.ToString());
    }
}
