using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="DirectWeightGradient"/> and <see cref="DirectBackwardInput"/> against the reference
/// convolution's backward passes, on every instruction set the machine runs, over shapes with remainders in every
/// blocked dimension; and the same bits for one and two threads.</summary>
public sealed class DirectBackwardTests
{
    private static readonly ConvGeometry[] Shapes =
    [
        new(5, 32, 24, 24, 64, 3, 3),                     // cnn2's second convolution (valid)
        new(3, 1, 50, 50, 32, 3, 3, 1, 1, 1, 1, 1, 1),    // one input channel, padded
        new(2, 32, 13, 13, 32, 3, 3, 1, 1, 1, 1, 1, 1),   // the resnet preset's 32-channel block, smaller
        new(1, 7, 9, 11, 10, 3, 3, 1, 1, 1, 1, 1, 1),     // remainders: 10 rows, 63 taps
        new(2, 5, 8, 7, 9, 3, 2, 1, 1, 2, 0, 1, 1),       // 3×2 kernel, asymmetric padding
        new(3, 3, 12, 10, 13, 5, 5, 1, 1, 2, 2, 2, 2),    // 5×5
        new(2, 16, 8, 8, 33, 3, 3, 1, 1, 0, 0, 1, 1),     // TensorFlow 'same' (odd pad bottom/right)
        new(1, 8, 1, 1, 8, 3, 3, 1, 1, 1, 1, 1, 1),       // 1×1 image
    ];

    public static TheoryData<int> Isas() => DirectConvolutionTests.Isas();

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void WeightGradientMatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            Assert.True(DirectWeightGradient.Fits(g), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var dy = KernelAssert.Random(g.OutputLength, 2);
            var dwExpected = KernelAssert.Random(g.WeightLength, 3); // both add into what is there
            var dbExpected = KernelAssert.Random(g.OutChannels, 4);
            var dwActual = (float[])dwExpected.Clone();
            var dbActual = (float[])dbExpected.Clone();
            ConvolutionReference.BackwardWeight(g, x, dy, dwExpected, dbExpected);
            fixed (float* px = x, pdy = dy, pdw = dwActual, pdb = dbActual)
                DirectWeightGradient.Run(new ConvOperands(g, px, pdw, pdb, pdy), threads, isa);
            float tol = 1e-5f * (1 + MathF.Sqrt(g.Batch * g.OutHeight * g.OutWidth));
            KernelAssert.Close(dwExpected, dwActual, tol, $"∂W {isa} {g} threads={threads}");
            KernelAssert.Close(dbExpected, dbActual, tol, $"∂b {isa} {g} threads={threads}");
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void InputGradientMatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            if (DirectBackwardInput.Transposed(g) is not { } gt) continue; // fewer than 8 output channels
            var dy = KernelAssert.Random(g.OutputLength, 5);
            var w = KernelAssert.Random(g.WeightLength, 6);
            var expected = new float[g.InputLength];
            var actual = KernelAssert.Random(g.InputLength, 7); // overwritten
            ConvolutionReference.BackwardInput(g, dy, w, expected);
            fixed (float* pdy = dy, pw = w, pdx = actual)
                DirectBackwardInput.Run(new ConvOperands(g, pdx, pw, null, pdy), gt, threads, isa);
            float tol = 1e-5f * (1 + MathF.Sqrt(g.OutChannels * g.KernelHeight * g.KernelWidth));
            KernelAssert.Close(expected, actual, tol, $"∂X {isa} {g} threads={threads}");
        }
    }

    [Fact]
    public void TheDirectBackwardPassesTakeTheTrainingShapes()
    {
        var cnn2 = new ConvGeometry(64, 32, 24, 24, 64, 3, 3);
        Assert.True(DirectWeightGradient.Handles(cnn2));
        Assert.NotNull(DirectBackwardInput.Transposed(cnn2));
        Assert.True(DirectWeightGradient.Handles(new ConvGeometry(64, 32, 64, 64, 32, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.False(DirectWeightGradient.Handles(new ConvGeometry(64, 256, 8, 8, 256, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.Null(DirectBackwardInput.Transposed(new ConvGeometry(64, 64, 32, 32, 64, 3, 3, 2, 2, 1, 1, 1, 1)));
    }

    [Fact]
    public void OneAndTwoThreadsAreBitIdentical()
    {
        var g = new ConvGeometry(7, 32, 24, 24, 64, 3, 3);
        var x = KernelAssert.Random(g.InputLength, 8);
        var dy = KernelAssert.Random(g.OutputLength, 9);
        var w = KernelAssert.Random(g.WeightLength, 10);
        float[] dw1 = new float[g.WeightLength], dw2 = new float[g.WeightLength];
        float[] db1 = new float[g.OutChannels], db2 = new float[g.OutChannels];
        float[] dx1 = new float[g.InputLength], dx2 = new float[g.InputLength];
        Convolution.BackwardWeight(g, x, dy, dw1, db1, ComputeOptions.SingleThreaded);
        Convolution.BackwardWeight(g, x, dy, dw2, db2, new ComputeOptions { Threads = 2 });
        Convolution.BackwardInput(g, dy, w, dx1, ComputeOptions.SingleThreaded);
        Convolution.BackwardInput(g, dy, w, dx2, new ComputeOptions { Threads = 2 });
        KernelAssert.BitIdentical(dw1, dw2, "∂W");
        KernelAssert.BitIdentical(db1, db2, "∂b");
        KernelAssert.BitIdentical(dx1, dx2, "∂X");
    }
}
