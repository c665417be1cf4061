using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="WinogradF4Convolution"/> against the reference convolution, on every instruction set the
/// machine runs, forward (with the fused epilogue) and as the input gradient, over shapes with remainders in tiles,
/// lanes and register blocks.</summary>
public sealed class WinogradF4ConvolutionTests
{
    public static TheoryData<int> Isas() => GemmTests.Isas();

    private static readonly ConvGeometry[] Shapes =
    [
        new(3, 32, 24, 24, 64, 3, 3),                      // cnn2's second convolution (valid)
        new(2, 32, 25, 25, 64, 3, 3, 1, 1, 1, 1, 1, 1),   // cnn3's second: 25×25, partly covered tiles
        new(2, 32, 64, 64, 32, 3, 3, 1, 1, 1, 1, 1, 1),   // the resnet preset's 32-channel blocks: 16 tiles a row
        new(3, 64, 16, 16, 48, 3, 3, 1, 1, 1, 1, 1, 1),   // 16 tiles per image
        new(6, 16, 18, 21, 33, 3, 3, 1, 1, 0, 0, 1, 1),   // TensorFlow 'same' (pad bottom/right), 33 channels
        new(3, 24, 19, 30, 17, 3, 3, 1, 1, 2, 0, 0, 2),   // asymmetric padding, 17 output channels
        new(1, 16, 70, 45, 24, 3, 3, 1, 1, 1, 1, 1, 1),   // one image in several items; 12 tiles a row
    ];

    /// <summary>The largest error allowed, relative to 1 + |expected|, for a sum over <paramref name="reduce"/>
    /// products of values in ±0.5: F(4×4, 3×3)'s transforms scale by up to 8 and divide by 6 and 24, about 10× the
    /// rounding of F(2×2, 3×3) and the direct kernels (whose tests allow 1e-5·(1 + √reduce)).</summary>
    private static float Tolerance(int reduce) => 1e-4f * (1 + MathF.Sqrt(reduce));

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var residual = KernelAssert.Random(g.OutputLength, 4);
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, x, w, b, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            var actual = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, py = actual, pr = residual)
                WinogradF4Convolution.Forward(new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true), threads, isa);
            KernelAssert.Close(expected, actual, Tolerance(g.InChannels * 9), $"{isa} {g} threads={threads}");
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
            var dy = KernelAssert.Random(g.OutputLength, 11);
            var w = KernelAssert.Random(g.WeightLength, 12);
            var expected = new float[g.InputLength];
            ConvolutionReference.BackwardInput(g, dy, w, expected);
            var actual = new float[g.InputLength];
            fixed (float* pdy = dy, pw = w, pdx = actual)
                WinogradF4Convolution.BackwardInput(new ConvOperands(g, pdx, pw, null, pdy), threads, isa);
            KernelAssert.Close(expected, actual, Tolerance(g.OutChannels * 9), $"{isa} {g} threads={threads}");
        }
        Assert.True(WinogradF4Convolution.HandlesBackwardInput(Shapes[0]));
        Assert.True(WinogradF4Convolution.HandlesBackwardInput(Shapes[2]));
        Assert.True(WinogradF4Convolution.Handles(Shapes[2]));
    }

    /// <summary>The largest error relative to the output's largest magnitude stays within 2e-5 on the training
    /// networks' shapes (F(2×2, 3×3) and the direct kernels: about 1e-6).</summary>
    [Fact]
    public unsafe void InputGradientErrorIsSmallAgainstTheOutputsScale()
    {
        foreach (var g in new ConvGeometry[] { Shapes[0], Shapes[2], new(2, 128, 16, 16, 128, 3, 3, 1, 1, 1, 1, 1, 1) })
        {
            var dy = KernelAssert.Random(g.OutputLength, 13);
            var w = KernelAssert.Random(g.WeightLength, 14);
            var expected = new float[g.InputLength];
            ConvolutionReference.BackwardInput(g, dy, w, expected);
            var actual = new float[g.InputLength];
            fixed (float* pdy = dy, pw = w, pdx = actual)
                WinogradF4Convolution.BackwardInput(new ConvOperands(g, pdx, pw, null, pdy), 1);
            float scale = 0, error = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                scale = MathF.Max(scale, MathF.Abs(expected[i]));
                error = MathF.Max(error, MathF.Abs(expected[i] - actual[i]));
            }
            Assert.True(error <= 2e-5f * scale, $"{g}: max error {error} against max |∂X| {scale}");
        }
    }

    [Fact]
    public void OneAndTwoThreadsAreBitIdentical()
    {
        var g = new ConvGeometry(5, 32, 24, 24, 64, 3, 3);
        Assert.True(WinogradF4Convolution.HandlesBackwardInput(g));
        var dy = KernelAssert.Random(g.OutputLength, 5);
        var w = KernelAssert.Random(g.WeightLength, 6);
        var one = new float[g.InputLength];
        var two = new float[g.InputLength];
        Convolution.BackwardInput(g, dy, w, one, ComputeOptions.SingleThreaded);
        Convolution.BackwardInput(g, dy, w, two, new ComputeOptions { Threads = 2 });
        KernelAssert.BitIdentical(one, two, g.ToString());
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void AFrozenLayersKeptWeightsGiveTheSameBits(int isaIndex)
    {
        // The face ResNet's 35×35 layers: transformed once into PackedWeights, as per call.
        var isa = (GemmIsa)isaIndex;
        var g = new ConvGeometry(2, 32, 35, 35, 32, 3, 3, 1, 1, 1, 1, 1, 1);
        var x = KernelAssert.Random(g.InputLength, 11);
        var w = KernelAssert.Random(g.WeightLength, 12);
        var b = KernelAssert.Random(g.OutChannels, 13);
        var perCall = new float[g.OutputLength];
        var kept = new float[g.OutputLength];
        var cache = new PackedWeights();
        fixed (float* px = x, pw = w, pb = b, p0 = perCall, p1 = kept)
        {
            WinogradF4Convolution.Forward(new ConvOperands(g, px, pw, pb, p0, relu: true), 1, isa);
            for (int i = 0; i < 2; i++)
                WinogradF4Convolution.Forward(new ConvOperands(g, px, pw, pb, p1, relu: true, packed: cache), 1, isa);
        }
        GC.KeepAlive(cache);
        KernelAssert.BitIdentical(perCall, kept, $"{isa}");
    }

    [Fact]
    public unsafe void KeptWeightsFollowInvalidation()
    {
        var g = new ConvGeometry(1, 16, 20, 20, 16, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.True(WinogradF4Convolution.Handles(g));
        var x = KernelAssert.Random(g.InputLength, 14);
        var w = KernelAssert.Random(g.WeightLength, 15);
        var cache = new PackedWeights();
        var first = new float[g.OutputLength];
        var second = new float[g.OutputLength];
        var expected = new float[g.OutputLength];
        fixed (float* px = x, pw = w, p1 = first, p2 = second)
        {
            WinogradF4Convolution.Forward(new ConvOperands(g, px, pw, null, p1, packed: cache), 1, GemmBlocking.BestIsa);
            w[17] += 0.5f;   // as a load into the same tensor would, after which the owner invalidates
            cache.Invalidate();
            WinogradF4Convolution.Forward(new ConvOperands(g, px, pw, null, p2, packed: cache), 1, GemmBlocking.BestIsa);
        }
        ConvolutionReference.Forward(g, x, w, [], expected);
        KernelAssert.Close(expected, second, Tolerance(16 * 9), "after the change");
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void AFrozenLayersImageDoesNotDependOnItsBatchOrThreads()
    {
        // A frozen layer's output for one image is the same alone or in a batch, on one thread or two.
        var one = new ConvGeometry(1, 32, 35, 35, 32, 3, 3, 1, 1, 1, 1, 1, 1);
        var three = one with { Batch = 3 };
        var x = KernelAssert.Random(three.InputLength, 16);
        var w = KernelAssert.Random(three.WeightLength, 17);
        var alone = new float[one.OutputLength];
        var batch = new float[three.OutputLength];
        var cache = new PackedWeights();
        Convolution.Forward(one, x.AsSpan(one.InputLength, one.InputLength), w, [], default, false, alone,
            ComputeOptions.SingleThreaded, cache, new WinogradWeights());
        Convolution.Forward(three, x, w, [], default, false, batch, new ComputeOptions { Threads = 2 }, cache,
            new WinogradWeights());
        KernelAssert.BitIdentical(alone, batch.AsSpan(one.OutputLength, one.OutputLength), "image 1 of 3");
        // And that is F(4×4, 3×3)'s result, not F(2×2, 3×3)'s.
        var f4 = new float[one.OutputLength];
        unsafe
        {
            fixed (float* px = x, pw = w, py = f4)
                WinogradF4Convolution.Forward(new ConvOperands(one, px + one.InputLength, pw, null, py), 1);
        }
        KernelAssert.BitIdentical(f4, alone, "F(4×4)");
    }

    [Fact]
    public void ShapesItDoesNotTake()
    {
        Assert.False(WinogradF4Convolution.Handles(new(32, 64, 17, 17, 64, 3, 3, 2, 2, 1, 1, 1, 1)));  // stride 2
        Assert.False(WinogradF4Convolution.Handles(new(32, 8, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1)));   // few channels
        Assert.False(WinogradF4Convolution.Handles(new(32, 64, 8, 8, 64, 3, 3, 1, 1, 1, 1, 1, 1)));    // 4 tiles
        Assert.False(WinogradF4Convolution.Handles(new(32, 64, 13, 13, 64, 3, 3, 1, 1, 1, 1, 1, 1)));  // 16 tiles, 66% used
        Assert.False(WinogradF4Convolution.Handles(new(64, 32, 24, 24, 64, 3, 3)));                     // 22×22: 84% used
    }
}
