using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="WinogradWeightGradient"/> against the reference convolution's weight and bias gradients, on
/// every instruction set the machine runs, over shapes with half tiles, padding, blocks that span images and register
/// blocks with remainders; and the same bits for one and two threads.</summary>
public sealed class WinogradWeightGradientTests
{
    public static TheoryData<int> Isas() => GemmTests.Isas();

    private static readonly ConvGeometry[] Shapes =
    [
        new(5, 32, 24, 24, 64, 3, 3),                     // cnn2's second convolution (valid), fewer images
        new(3, 32, 25, 25, 64, 3, 3, 1, 1, 1, 1, 1, 1),   // cnn3's second convolution: odd map, half tiles
        new(2, 16, 35, 35, 17, 3, 3, 1, 1, 1, 1, 1, 1),   // 17 output channels
        new(6, 16, 16, 18, 33, 3, 3, 1, 1, 0, 0, 1, 1),   // TensorFlow 'same' (pad bottom/right), 33 channels
        new(3, 24, 19, 20, 16, 3, 3, 1, 1, 2, 0, 0, 2),   // asymmetric padding
        new(1, 16, 80, 90, 24, 3, 3, 1, 1, 1, 1, 1, 1),   // one image in several blocks
        new(5, 64, 8, 8, 48, 3, 3, 1, 1, 1, 1, 1, 1),     // 16 tiles per image, many images per block
    ];

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            var x = KernelAssert.Random(g.InputLength, 1);
            var dy = KernelAssert.Random(g.OutputLength, 2);
            var dwExpected = KernelAssert.Random(g.WeightLength, 3); // both add into what is there
            var dbExpected = KernelAssert.Random(g.OutChannels, 4);
            var dwActual = (float[])dwExpected.Clone();
            var dbActual = (float[])dbExpected.Clone();
            ConvolutionReference.BackwardWeight(g, x, dy, dwExpected, dbExpected);
            fixed (float* px = x, pdy = dy, pdw = dwActual, pdb = dbActual)
                WinogradWeightGradient.Run(new ConvOperands(g, px, pdw, pdb, pdy), threads, isa);
            float tol = 1e-5f * (1 + MathF.Sqrt(g.Batch * g.OutHeight * g.OutWidth));
            KernelAssert.Close(dwExpected, dwActual, tol, $"∂W {isa} {g} threads={threads}");
            KernelAssert.Close(dbExpected, dbActual, tol, $"∂b {isa} {g} threads={threads}");
        }
    }

    [Theory]
    [InlineData(16, 5, 24, true)]   // 8×8 transposes, W a multiple of 8
    [InlineData(19, 3, 13, true)]   // overlapping last block, 3 channels by the plain loop
    [InlineData(8, 4, 5, true)]     // W < 8: plain loops only
    [InlineData(19, 3, 13, false)]
    public unsafe void ChannelsLastMatchesAPlainCopy(int channels, int h, int w, bool avx)
    {
        if (avx && !System.Runtime.Intrinsics.X86.Avx.IsSupported) return;
        int cPad = (channels + 7) / 8 * 8, cols = w + 3;
        var src = KernelAssert.Random(channels * h * w, 1);
        var expected = KernelAssert.Random(h * cols * cPad, 2); // untouched outside the image and past C
        var actual = (float[])expected.Clone();
        for (int c = 0; c < channels; c++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            expected[(y * cols + x) * cPad + c] = src[(c * h + y) * w + x];
        fixed (float* s = src, d = actual) ChannelsLast.Copy(s, channels, h, w, d, cols, cPad, avx);
        KernelAssert.BitIdentical(expected, actual, $"{channels}×{h}×{w} avx={avx}");
    }

    [Fact]
    public void OneAndTwoThreadsAreBitIdentical()
    {
        var g = new ConvGeometry(7, 32, 24, 24, 64, 3, 3);
        var x = KernelAssert.Random(g.InputLength, 8);
        var dy = KernelAssert.Random(g.OutputLength, 9);
        float[] dw1 = new float[g.WeightLength], dw2 = new float[g.WeightLength];
        float[] db1 = new float[g.OutChannels], db2 = new float[g.OutChannels];
        Convolution.BackwardWeight(g, x, dy, dw1, db1, ComputeOptions.SingleThreaded);
        Convolution.BackwardWeight(g, x, dy, dw2, db2, new ComputeOptions { Threads = 2 });
        KernelAssert.BitIdentical(dw1, dw2, "∂W");
        KernelAssert.BitIdentical(db1, db2, "∂b");
    }

    [Fact]
    public void TakesTheTrainingShapesFromSixteenTilesPerImage()
    {
        if (GemmBlocking.BestIsa != GemmIsa.Avx512) return; // the direct and lowered kernels keep ∂W elsewhere
        Assert.True(WinogradWeightGradient.Handles(new ConvGeometry(64, 32, 24, 24, 64, 3, 3)));
        Assert.False(WinogradWeightGradient.Handles(new ConvGeometry(64, 1, 50, 50, 32, 3, 3)));
        Assert.True(WinogradWeightGradient.Handles(new ConvGeometry(64, 256, 8, 8, 256, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.False(WinogradWeightGradient.Handles(new ConvGeometry(64, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1)));
    }
}
