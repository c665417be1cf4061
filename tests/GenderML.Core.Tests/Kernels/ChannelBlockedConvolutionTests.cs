using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="ChannelBlockedConvolution"/> (AVX-512 only) against the reference convolution and, bit for bit,
/// against <see cref="DirectConvolution"/> (the dispatch may pick either), with the fused epilogue, on 1 and 2 threads.
/// </summary>
public sealed class ChannelBlockedConvolutionTests
{
    private static readonly ConvGeometry[] Shapes =
    [
        new(3, 32, 35, 35, 64, 3, 3, 2, 2, 0, 0, 0, 0),   // the face ResNet's conv64_down
        new(2, 64, 17, 17, 128, 3, 3, 2, 2, 0, 0, 0, 0),  // conv128_down
        new(1, 16, 10, 9, 64, 3, 3, 2, 2, 0, 0, 0, 0),    // 4×4 outputs: the last register block partly past the end
        new(2, 20, 12, 13, 128, 2, 4, 2, 2, 0, 0, 0, 0),  // 2×4 kernel
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
}
