using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="ChannelBlockedConvolution"/> (AVX-512 only) against the reference convolution and, bit for bit,
/// against <see cref="DirectConvolution"/> (the dispatch may pick either), with the fused epilogue, on 1 and 2 threads.
/// </summary>
public sealed class ChannelBlockedConvolutionTests
{
    private static readonly ConvGeometry[] Shapes =
    [
        new(3, 32, 35, 35, 64, 3, 3, 2, 2, 0, 0, 0, 0),   // the face ResNet's conv64_down
        new(4, 64, 17, 17, 128, 3, 3, 2, 2, 0, 0, 0, 0),  // conv128_down
        new(16, 16, 10, 9, 64, 3, 3, 2, 2, 0, 0, 0, 0),   // 4×4 outputs: the last register block partly past the end
        new(1, 16, 36, 37, 64, 3, 3, 2, 2, 0, 0, 0, 0),   // one image, in bands of pixels on 2 threads
        new(9, 20, 12, 13, 128, 2, 4, 2, 2, 0, 0, 0, 0),  // 2×4 kernel
        new(32, 16, 7, 7, 64, 3, 3, 2, 2, 0, 0, 0, 0),    // 3×3 outputs: a block of 6, then one of 3
    ];

    [Fact]
    public unsafe void MatchesReferenceAndDirectKernel()
    {
        if (!Avx512F.IsSupported) return;
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            Assert.True(ChannelBlockedConvolution.Handles(g), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var residual = KernelAssert.Random(g.OutputLength, 4);
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, x, w, b, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            var direct = new float[g.OutputLength];
            var actual = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, pd = direct, py = actual, pr = residual)
            {
                DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, pd, residual: pr, relu: true), 1, GemmIsa.Avx512);
                ChannelBlockedConvolution.Forward(new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true), threads);
            }
            int reduce = g.InChannels * g.KernelHeight * g.KernelWidth;
            KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(reduce)), $"{g} threads={threads}");
            KernelAssert.BitIdentical(direct, actual, $"{g} threads={threads}");
        }
    }

    private static readonly ConvGeometry[] PackedShapes =
    [
        new(1, 64, 17, 17, 128, 3, 3, 2, 2, 0, 0, 0, 0),  // conv128_down, one image (64 pixels)
        new(1, 128, 8, 8, 256, 3, 3, 2, 2, 0, 0, 0, 0),   // conv256_down, one image: 128 input channels
        new(1, 200, 9, 11, 64, 3, 2, 2, 2, 0, 0, 0, 0),   // 200 input channels, 3×2 kernel
        new(1, 256, 4, 4, 256, 3, 3, 2, 2, 0, 0, 0, 0),   // the last block's first conv: one output pixel
        new(1, 48, 5, 9, 128, 3, 3, 2, 2, 0, 0, 0, 0),    // 2×4 outputs: a block of 6, then 2 pixels one at a time
        new(1, 32, 5, 3, 64, 3, 3, 2, 2, 0, 0, 0, 0),     // 2 output pixels
        new(1, 48, 7, 7, 64, 3, 3, 2, 2, 0, 0, 0, 0),     // 3×3 outputs: a block of 6, then one of 3
    ];

    /// <summary>A frozen layer's cached weights: the kernel is taken for one image and for more input channels than
    /// the per-call path; the same bits as packing per call, and an image's bits do not depend on its batch.</summary>
    [Fact]
    public unsafe void PackedWeightsGiveTheSameBitsForAnyBatch()
    {
        if (!Avx512F.IsSupported) return;
        foreach (var one in PackedShapes)
        {
            Assert.True(ChannelBlockedConvolution.Handles(one, packed: true), one.ToString());
            var g = new ConvGeometry(3, one.InChannels, one.InHeight, one.InWidth, one.OutChannels, one.KernelHeight,
                one.KernelWidth, 2, 2, 0, 0, 0, 0);
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, x, w, b, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i], 0f);
            var perCall = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, py = perCall)
                ChannelBlockedConvolution.Forward(new ConvOperands(g, px, pw, pb, py, relu: true), 1);
            int reduce = g.InChannels * g.KernelHeight * g.KernelWidth;
            KernelAssert.Close(expected, perCall, 1e-5f * (1 + MathF.Sqrt(reduce)), g.ToString());
            if (g.InChannels <= DirectConvolution.MaxInChannels)
            {
                var direct = new float[g.OutputLength];
                fixed (float* px = x, pw = w, pb = b, pd = direct)
                    DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, pd, relu: true), 1, GemmIsa.Avx512);
                KernelAssert.BitIdentical(direct, perCall, $"{g} against the direct kernel");
            }
            var packed = new PackedWeights();
            foreach (int threads in new[] { 1, 2 })
            {
                var batch = new float[g.OutputLength];
                var single = new float[one.OutputLength];
                fixed (float* px = x, pw = w, pb = b, py = batch, ps = single)
                {
                    ChannelBlockedConvolution.Forward(new ConvOperands(g, px, pw, pb, py, relu: true, packed: packed), threads);
                    // The second image alone.
                    ChannelBlockedConvolution.Forward(new ConvOperands(one, px + one.InputLength, pw, pb, ps, relu: true, packed: packed), threads);
                }
                KernelAssert.BitIdentical(perCall, batch, $"{g} threads={threads}");
                KernelAssert.BitIdentical(perCall.AsSpan(one.OutputLength, one.OutputLength).ToArray(), single, $"{one} threads={threads}");
            }
        }
    }

    /// <summary>A frozen 1×1/2 convolution (the age/gender net's shortcuts, one image and a batch) goes to
    /// <see cref="PointwiseConvolution"/>: the same bits as this kernel, which took it before.</summary>
    [Theory]
    [InlineData(1, 32, 56, 64)]
    [InlineData(1, 64, 28, 128)]
    [InlineData(1, 128, 14, 256)]
    [InlineData(3, 128, 13, 64)]
    public unsafe void OneByOneStrideTwoMatchesThePointwiseKernel(int batch, int c, int side, int oc)
    {
        if (!Avx512F.IsSupported) return;
        var g = new ConvGeometry(batch, c, side, side, oc, 1, 1, 2, 2, 0, 0, 0, 0);
        Assert.True(ChannelBlockedConvolution.Handles(g, packed: true));
        var x = KernelAssert.Random(g.InputLength, 1);
        var w = KernelAssert.Random(g.WeightLength, 2);
        var b = KernelAssert.Random(g.OutChannels, 3);
        var residual = KernelAssert.Random(g.OutputLength, 4);
        var blocked = new float[g.OutputLength];
        var dispatched = new float[g.OutputLength];
        var packed = new PackedWeights();
        fixed (float* px = x, pw = w, pb = b, py = blocked, pr = residual)
            ChannelBlockedConvolution.Forward(new ConvOperands(g, px, pw, pb, py, residual: pr, packed: packed), 1);
        foreach (int threads in new[] { 1, 2 })
        {
            Convolution.Forward(g, x, w, b, residual, false, dispatched, new ComputeOptions { Threads = threads }, new PackedWeights());
            KernelAssert.BitIdentical(blocked, dispatched, $"{g} threads={threads}");
        }
    }

    private static readonly (ConvGeometry Conv, int Kernel, int Stride)[] PooledShapes =
    [
        (new(2, 3, 150, 150, 32, 7, 7, 2, 2, 0, 0, 0, 0), 3, 2), // the face ResNet's stem and pool
        (new(1, 3, 53, 49, 32, 3, 3, 2, 2, 0, 0, 0, 0), 3, 2),   // 3×3, 24 wide, an odd pooled width
        (new(3, 1, 31, 26, 32, 4, 4, 2, 2, 0, 0, 0, 0), 2, 2),   // one input channel, 2×2 pool
        (new(1, 5, 21, 25, 32, 3, 3, 2, 2, 0, 0, 0, 0), 3, 1),   // stride-1 pool
    ];

    [Fact]
    public unsafe void PooledMatchesDirectConvolutionThenPool()
    {
        if (!Avx512F.IsSupported) return;
        foreach (var (g, kernel, stride) in PooledShapes)
        foreach (bool relu in new[] { true, false })
        foreach (int threads in new[] { 1, 2 })
        {
            var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, kernel, stride, 0, 0, 0, 0);
            Assert.True(ChannelBlockedConvolution.HandlesPooled(g, pool), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var conv = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, py = conv)
                DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, py, relu: relu), 1, GemmIsa.Avx512);
            var expected = new float[pool.Planes * pool.OutHeight * pool.OutWidth];
            Pooling.MaxForwardReference(pool, conv, expected, 0, pool.Planes);
            foreach (var packed in new[] { null, new PackedWeights() })
            {
                // Packed per call, or a frozen layer's cache (packed on the first call, read on the second).
                var actual = new float[expected.Length];
                for (int call = 0; call < (packed is null ? 1 : 2); call++)
                fixed (float* px = x, pw = w, pb = b, py = actual)
                    ChannelBlockedConvolution.ForwardPooled(new ConvOperands(g, px, pw, pb, null, relu: relu, packed: packed), pool, py, threads);
                KernelAssert.BitIdentical(expected, actual, $"{g} pool {kernel}/{stride} relu={relu} threads={threads} cached={packed is not null}");
            }
        }
    }
}
