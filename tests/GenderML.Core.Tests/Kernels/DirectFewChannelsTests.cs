using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary>
/// The direct kernel on one to seven input channels at stride 1 (a gray or colour network's first layer, e.g. cnn3's
/// 1→32 on 50×50): close to the reference convolution on every instruction set, and bit-identical to the lowered
/// (im2col + GEMM) path that took these shapes before.
/// </summary>
public sealed class DirectFewChannelsTests
{
    private static readonly ConvGeometry[] Shapes =
    [
        new(3, 1, 50, 50, 32, 3, 3, 1, 1, 1, 1, 1, 1),   // cnn3's first layer
        new(2, 1, 13, 9, 33, 3, 3),                      // valid, odd sizes, 33 output channels
        new(2, 3, 11, 12, 16, 5, 5, 1, 1, 2, 2, 2, 2),   // colour, 5×5
    ];

    [Theory]
    [MemberData(nameof(DirectConvolutionTests.Isas), MemberType = typeof(DirectConvolutionTests))]
    public unsafe void MatchesReferenceAndTheLoweredPath(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes)
        {
            Assert.True(DirectConvolution.Handles(g), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var expected = new float[g.OutputLength];
            ConvolutionReference.Forward(g, x, w, b, expected);
            var direct = new float[g.OutputLength];
            var lowered = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, pd = direct, pl = lowered)
            {
                DirectConvolution.Forward(new ConvOperands(g, px, pw, pb, pd), threads: 1, isa);
                LoweredConvolution.Forward(new ConvOperands(g, px, pw, pb, pl), threads: 1);
            }
            KernelAssert.Close(expected, direct, 1e-5f * (1 + MathF.Sqrt(g.InChannels * g.KernelHeight * g.KernelWidth)), $"{isa} {g}");
            if (isa == GemmBlocking.BestIsa) KernelAssert.BitIdentical(lowered, direct, g.ToString());
        }
    }
}
