using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary>
/// <see cref="SmallMapConvolution"/> (frozen 3×3 layers with a 4×4 or 3×3 output, one or two images): bit-identical to the
/// lowered path it replaces — the image alone without the cache, and the same image inside a batch of 40 — on 1 and 2
/// threads, with and without bias, residual and ReLU, and close to the reference convolution.
/// </summary>
public sealed class SmallMapConvolutionTests
{
    [Theory]
    [InlineData(256, 256, 1, 1, 1)]   // the face ResNet's 256-channel 4×4 blocks
    [InlineData(256, 256, 2, 1, 1)]   // two images
    [InlineData(72, 96, 1, 1, 1)]     // K = 648: a short last K block
    [InlineData(96, 64, 2, 1, 1)]
    [InlineData(128, 32, 1, 2, 0)]    // 'same'-style padding all on one side (pad 2 top/left, 0 bottom/right)
    [InlineData(256, 256, 1, 1, 1, 3)] // conv256_down's second conv: a 3×3 map
    [InlineData(80, 48, 2, 0, 2, 3)]
    public void EqualsLoweredPathBitForBit(int channels, int outChannels, int batch, int padBefore, int padAfter, int side = 4)
    {
        var g = new ConvGeometry(batch, channels, side, side, outChannels, 3, 3, 1, 1, padBefore, padBefore, padAfter, padAfter);
        Assert.Equal(side, g.OutHeight);
        Assert.Equal(side, g.OutWidth);
        Assert.Equal(Avx512F.IsSupported && GemmBlocking.BestIsa == GemmIsa.Avx512, SmallMapConvolution.Handles(g, packed: true));
        Assert.False(SmallMapConvolution.Handles(g, packed: false));
        var many = g with { Batch = 40 };
        Assert.False(SmallMapConvolution.Handles(many, packed: true));
        var x = KernelAssert.Random(many.InputLength, 1);
        var w = KernelAssert.Random(g.WeightLength, 2);
        var b = KernelAssert.Random(outChannels, 3);
        var residual = KernelAssert.Random(many.OutputLength, 4);
        foreach (bool epilogue in new[] { true, false })
        {
            var bias = epilogue ? b : [];
            var res = epilogue ? residual : [];
            var batched = new float[many.OutputLength];
            Convolution.Forward(many, x, w, bias, res, relu: epilogue, batched, null, new PackedWeights());
            var input = x.AsSpan(0, g.InputLength);
            var resOne = epilogue ? residual.AsSpan(0, g.OutputLength) : [];
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, input, w, bias, expected);
            if (epilogue)
                for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            foreach (int threads in new[] { 1, 2 })
            {
                var options = new ComputeOptions { Threads = threads };
                string what = $"{g} epilogue={epilogue} threads={threads}";
                var lowered = new float[g.OutputLength];
                Convolution.Forward(g, input, w, bias, resOne, relu: epilogue, lowered, options);
                var packed = new PackedWeights();
                var actual = new float[g.OutputLength];
                for (int call = 0; call < 2; call++) // packs on the first call, reads the cache on the second
                {
                    Convolution.Forward(g, input, w, bias, resOne, relu: epilogue, actual, options, packed);
                    KernelAssert.BitIdentical(lowered, actual, what);
                    KernelAssert.BitIdentical(batched.AsSpan(0, g.OutputLength), actual, what);
                }
                KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(channels * 9)), what);
            }
        }
    }

    [Fact]
    public void OtherShapesAreLeftToTheOtherKernels()
    {
        var g = new ConvGeometry(1, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.False(SmallMapConvolution.Handles(g with { InHeight = 5, InWidth = 5 }, packed: true)); // 5×5 output
        Assert.False(SmallMapConvolution.Handles(g with { InHeight = 2, InWidth = 2 }, packed: true)); // 2×2 output
        Assert.False(SmallMapConvolution.Handles(g with { InWidth = 3 }, packed: true));               // 4×3 output
        Assert.False(SmallMapConvolution.Handles(g with { InChannels = 64 }, packed: true));           // the direct kernel's
        Assert.False(SmallMapConvolution.Handles(g with { OutChannels = 40 }, packed: true));          // not whole slivers
        Assert.False(SmallMapConvolution.Handles(g with { Groups = 2 }, packed: true));
        Assert.False(SmallMapConvolution.Handles(g with { Batch = 3 }, packed: true));
    }
}
