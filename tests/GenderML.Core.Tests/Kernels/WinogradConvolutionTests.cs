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
        foreach (int cached in new[] { 0, 1, 2 })   // weights transformed per call, packed once, compared per call
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
                WinogradConvolution.Forward(new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true,
                    packed: cached == 1 ? new PackedWeights() : null), threads, isa, cached == 2 ? new WinogradWeights() : null);
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
    public unsafe void PackedWeightsFollowInvalidation()
    {
        var g = new ConvGeometry(4, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1);
        var x = KernelAssert.Random(g.InputLength, 7);
        var w = KernelAssert.Random(g.WeightLength, 8);
        var cache = new PackedWeights();
        var first = new float[g.OutputLength];
        var second = new float[g.OutputLength];
        var expected = new float[g.OutputLength];
        fixed (float* px = x, pw = w, p1 = first, p2 = second)
        {
            WinogradConvolution.Forward(new ConvOperands(g, px, pw, null, p1, packed: cache), 1, GemmBlocking.BestIsa);
            w[17] += 0.5f;   // as a load into the same tensor would, after which the owner invalidates
            cache.Invalidate();
            WinogradConvolution.Forward(new ConvOperands(g, px, pw, null, p2, packed: cache), 1, GemmBlocking.BestIsa);
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
        var cache = new PackedWeights();
        Convolution.Forward(three, x, w, [], default, false, batch, null, cache, new WinogradWeights());
        Convolution.Forward(one, x.AsSpan(one.InputLength, one.InputLength), w, [], default, false, alone, null, cache, new WinogradWeights());
        KernelAssert.BitIdentical(alone, batch.AsSpan(one.OutputLength, one.OutputLength), "image 1 of 3 vs alone");
    }

    /// <summary>Few tiles per block run the GEMMs transposed; an image alone (transposed) gives what it gives inside a
    /// large batch (the usual GEMMs), bit for bit, on every instruction set, with 1 and 2 threads (which split the
    /// output channels of a single image).</summary>
    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void TransposedEqualsUsualPath(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        ConvGeometry[] singles =
        [
            new(1, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1),  // the face ResNet's 128-channel blocks
            new(1, 40, 7, 7, 48, 3, 3, 1, 1, 1, 1, 1, 1),    // odd map: half tiles; channels not a multiple of NR
            new(1, 24, 8, 8, 20, 3, 3, 1, 1, 0, 0, 2, 2),    // asymmetric padding, fewer channels than NR
            new(1, 64, 4, 4, 64, 3, 3, 1, 1, 1, 1, 1, 1),    // 4×4 map: 4 tiles
        ];
        // AVX-512 (NR = 32) runs all four transposed; AVX2 (NR = 16) and scalar code (NR = 8) the 4×4 map (the other
        // single images are checked against the batch all the same).
        Assert.Equal(isa == GemmIsa.Avx512 ? singles.Length : 1,
            singles.Count(g => WinogradConvolution.RunsTransposed(g, isa)));
        foreach (var one in singles)
        {
            var many = one with { Batch = 40 };
            Assert.False(WinogradConvolution.RunsTransposed(many, isa), $"{many}");
            var x = KernelAssert.Random(many.InputLength, 21);
            var w = KernelAssert.Random(many.WeightLength, 22);
            var b = KernelAssert.Random(many.OutChannels, 23);
            var residual = KernelAssert.Random(many.OutputLength, 24);
            var batch = new float[many.OutputLength];
            fixed (float* px = x, pw = w, pb = b, py = batch, pr = residual)
                WinogradConvolution.Forward(new ConvOperands(many, px, pw, pb, py, residual: pr, relu: true), 1, isa);
            var expected = new float[many.OutputLength];
            ConvolutionReference.Forward(many, x, w, b, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            KernelAssert.Close(expected, batch, 1e-5f * (1 + MathF.Sqrt(one.InChannels * 9)), $"{isa} {many}");
            foreach (int image in new[] { 0, 17, 39 })
            foreach (int threads in new[] { 1, 2 })
            foreach (bool cached in new[] { false, true })
            {
                var alone = new float[one.OutputLength];
                fixed (float* px = x, pw = w, pb = b, py = alone, pr = residual)
                    WinogradConvolution.Forward(new ConvOperands(one, px + image * one.InputLength, pw, pb, py,
                        residual: pr + image * one.OutputLength, relu: true,
                        packed: cached ? new PackedWeights() : null), threads, isa);
                KernelAssert.BitIdentical(batch.AsSpan(image * one.OutputLength, one.OutputLength), alone,
                    $"{isa} {one} image {image} threads={threads} cached={cached}");
            }
        }
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
