using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary>The fused forward (bias, residual, ReLU in the GEMM's output pass) against the plain forward followed by
/// separate passes: bit-identical on every path (in place, through the temporary, depthwise, both lowerings).</summary>
public sealed class ConvEpilogueTests
{
    [Theory]
    [InlineData(1, 3, 150, 150, 32, 7, 2, 0, 1)]  // the face ResNet's stem, one image: in place
    [InlineData(3, 32, 35, 35, 32, 3, 1, 1, 1)]   // one image per chunk
    [InlineData(5, 32, 17, 17, 64, 3, 1, 1, 1)]   // 289-pixel planes: through the temporary
    [InlineData(20, 64, 8, 8, 128, 3, 1, 1, 1)]   // 64-pixel planes: several images in place
    [InlineData(33, 16, 4, 4, 16, 3, 1, 1, 1)]    // 16-pixel planes, 33 images: temporary, odd batch
    [InlineData(4, 8, 9, 9, 17, 1, 1, 0, 1)]      // 1×1: the explicit column matrix, 17 rows (edge register blocks)
    [InlineData(2, 3, 7, 5, 2, 3, 2, 1, 1)]       // tiny, strided, 2 output channels
    [InlineData(3, 16, 9, 9, 16, 3, 1, 1, 16)]    // depthwise: epilogue after the direct kernel
    [InlineData(2, 8, 6, 6, 12, 3, 1, 1, 4)]      // grouped: each group's bias rows
    public void FusedEqualsSeparatePasses(int n, int c, int h, int w, int oc, int k, int stride, int pad, int groups)
    {
        var g = new ConvGeometry(n, c, h, w, oc, k, k, stride, stride, pad, pad, pad, pad, groups);
        var x = KernelAssert.Random(g.InputLength, 1);
        var wt = KernelAssert.Random(g.WeightLength, 2);
        var b = KernelAssert.Random(oc, 3);
        var residual = KernelAssert.Random(g.OutputLength, 4);
        foreach (int threads in new[] { 1, 2 })
        foreach (bool withBias in new[] { false, true })
        foreach (bool withResidual in new[] { false, true })
        foreach (bool relu in new[] { false, true })
        {
            var options = new ComputeOptions { Threads = threads };
            float[] bias = withBias ? b : [], res = withResidual ? residual : [];
            var expected = new float[g.OutputLength];
            Convolution.Forward(g, x, wt, bias, expected, options);
            for (int i = 0; i < expected.Length; i++)
            {
                if (withResidual) expected[i] += residual[i];
                if (relu) expected[i] = MathF.Max(expected[i], 0f);
            }
            var fused = new float[g.OutputLength];
            Convolution.Forward(g, x, wt, bias, res, relu, fused, options);
            KernelAssert.BitIdentical(expected, fused, $"{g} threads={threads} bias={withBias} residual={withResidual} relu={relu}");
        }
    }

    [Fact]
    public void RejectsAShortResidual()
    {
        var g = new ConvGeometry(1, 3, 5, 5, 4, 3, 3);
        Assert.Throws<ArgumentException>(() =>
            Convolution.Forward(g, new float[75], new float[108], [], new float[35], true, new float[36]));
    }
}
