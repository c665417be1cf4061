using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="WinogradConvolution"/> against the reference convolution, on every instruction set the
/// machine runs, with the fused epilogue, over shapes with remainders in tiles, lanes and register blocks.</summary>
public sealed class WinogradConvolutionTests
{
    public static TheoryData<int> Isas() => GemmTests.Isas();

    private static readonly ConvGeometry[] Shapes =
    [
        new(2, 32, 35, 35, 32, 3, 3, 1, 1, 1, 1, 1, 1),   // the face ResNet's 32-channel blocks (odd map: half tiles)
        new(3, 64, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1),   // 64-channel blocks
        new(4, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1),   // 128-channel blocks
        new(16, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1),  // 256-channel blocks: items span images
        new(6, 16, 6, 9, 33, 3, 3, 1, 1, 0, 0, 1, 1),     // TensorFlow 'same' (pad bottom/right), 33 channels
        new(3, 24, 11, 20, 17, 3, 3, 1, 1, 2, 0, 0, 2),   // asymmetric padding, 17 output channels
        new(11, 20, 7, 7, 16, 3, 3, 1, 1, 0, 0, 0, 0),     // valid, odd output 5×5
        new(70, 16, 2, 2, 16, 3, 3, 1, 1, 1, 1, 1, 1),    // 2×2 maps: one tile per image, many images
        new(1, 16, 41, 29, 24, 3, 3, 1, 1, 1, 1, 1, 1),   // one image in several items
    ];

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        foreach (bool cached in new[] { false, true })
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
                WinogradConvolution.Forward(new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true), threads, isa,
                    cached ? new WinogradWeights() : null);
            int reduce = g.InChannels * 9;
            KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(reduce)), $"{isa} {g} threads={threads}");
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
                WinogradConvolution.BackwardInput(new ConvOperands(g, pdx, pw, null, pdy), threads, isa);
            float tol = 1e-5f * (1 + MathF.Sqrt(g.OutChannels * 9));
            KernelAssert.Close(expected, actual, tol, $"{isa} {g} threads={threads}");
        }
        Assert.True(WinogradConvolution.HandlesBackwardInput(Shapes[0]));
        Assert.False(WinogradConvolution.HandlesBackwardInput(new(32, 64, 17, 17, 64, 3, 3, 1, 1, 3, 3, 3, 3)));
    }

    [Fact]
    public void OneAndTwoThreadsAreBitIdentical()
    {
        var g = new ConvGeometry(3, 32, 16, 16, 32, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.True(WinogradConvolution.Handles(g, cached: false));
        var x = KernelAssert.Random(g.InputLength, 5);
        var w = KernelAssert.Random(g.WeightLength, 6);
        var one = new float[g.OutputLength];
        var two = new float[g.OutputLength];
        Convolution.Forward(g, x, w, [], one, ComputeOptions.SingleThreaded);
        Convolution.Forward(g, x, w, [], two, new ComputeOptions { Threads = 2 });
        KernelAssert.BitIdentical(one, two, g.ToString());
    }

    [Fact]
    public unsafe void CachedWeightsFollowChangesToTheWeights()
    {
        var g = new ConvGeometry(4, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1);
        var x = KernelAssert.Random(g.InputLength, 7);
        var w = KernelAssert.Random(g.WeightLength, 8);
        var cache = new WinogradWeights();
        var first = new float[g.OutputLength];
        var second = new float[g.OutputLength];
        var expected = new float[g.OutputLength];
        fixed (float* px = x, pw = w, p1 = first, p2 = second)
        {
            WinogradConvolution.Forward(new ConvOperands(g, px, pw, null, p1), 1, GemmBlocking.BestIsa, cache);
            w[17] += 0.5f;   // as a training step or a load into the same tensor would
            WinogradConvolution.Forward(new ConvOperands(g, px, pw, null, p2), 1, GemmBlocking.BestIsa, cache);
        }
        ConvolutionReference.Forward(g, x, w, [], expected);
        KernelAssert.Close(expected, second, 1e-5f * (1 + MathF.Sqrt(16 * 9)), "after the change");
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void AnImagesResultDoesNotDependOnItsBatch()
    {
        var one = new ConvGeometry(1, 32, 8, 8, 32, 3, 3, 1, 1, 1, 1, 1, 1);
        var three = one with { Batch = 3 };
        Assert.True(WinogradConvolution.Handles(one, cached: true));
        var x = KernelAssert.Random(three.InputLength, 9);
        var w = KernelAssert.Random(three.WeightLength, 10);
        var batch = new float[three.OutputLength];
        var alone = new float[one.OutputLength];
        var cache = new WinogradWeights();
        Convolution.Forward(three, x, w, [], default, false, batch, null, winograd: cache);
        Convolution.Forward(one, x.AsSpan(one.InputLength, one.InputLength), w, [], default, false, alone, null, winograd: cache);
        KernelAssert.BitIdentical(alone, batch.AsSpan(one.OutputLength, one.OutputLength), "image 1 of 3 vs alone");
    }

    [Fact]
    public void ShapesItDoesNotTake()
    {
        Assert.False(WinogradConvolution.Handles(new(32, 64, 17, 17, 64, 3, 3, 2, 2, 1, 1, 1, 1), true));  // stride 2
        Assert.False(WinogradConvolution.Handles(new(32, 64, 17, 17, 64, 5, 5, 1, 1, 2, 2, 2, 2), true));  // 5×5
        Assert.False(WinogradConvolution.Handles(new(32, 8, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1), true)); // few channels
        Assert.False(WinogradConvolution.Handles(new(32, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1), true));  // 4 tiles
        Assert.False(WinogradConvolution.Handles(new(32, 256, 5, 5, 256, 3, 3, 1, 1, 1, 1, 1, 1), true)); // 9 tiles
        Assert.False(WinogradConvolution.Handles(new(32, 64, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1, 2), true)); // groups
        // Whatever the batch; weights transformed per call: from 64 tiles per image.
        Assert.True(WinogradConvolution.Handles(new(1, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1), true));
        Assert.False(WinogradConvolution.Handles(new(64, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1), false));
        Assert.True(WinogradConvolution.Handles(new(1, 64, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1, 1), false));
    }
}
