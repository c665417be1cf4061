using GenderML.Core.Kernels;
using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Kernels;

/// <summary>The dense layer's in-place kernels give the GEMM's bits (forward, ∂x, ∂W accumulated) for 1 and 2 threads,
/// with rows and columns left over for the GEMM; both stay close to the naive triple loop.</summary>
public sealed class DenseKernelsTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 64, 7744, 128 }, // cnn2's 7744→128 layer
        { 8, 32, 8 },
        { 13, 100, 16 },   // rows and columns past the register blocks
        { 4, 70, 24 },     // too few rows for the backward kernel
        { 40, 600, 256 },  // K past one KC block in the forward pass
        { 256, 96, 8 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public unsafe void ForwardMatchesGemm(int n, int inF, int outF)
    {
        if (!DenseKernels.ForwardApplies(n, inF, outF)) return;
        var x = KernelAssert.Random(n * inF, 1);
        var w = KernelAssert.Random(outF * inF, 2);
        var expected = new float[n * outF];
        Gemm.Multiply(false, true, n, outF, inF, x, inF, w, inF, expected, outF, false);
        var naive = new float[n * outF];
        GemmReference.Multiply(false, true, n, outF, inF, x, inF, w, inF, naive, outF, false);
        KernelAssert.Close(naive, expected, 1e-4f, "gemm vs naive");
        foreach (int threads in new[] { 1, 2 })
        {
            var actual = new float[n * outF];
            fixed (float* px = x, pw = w, py = actual)
                DenseKernels.Forward(n, inF, outF, px, pw, py, threads);
            KernelAssert.BitIdentical(expected, actual, $"forward {n}×{inF}→{outF}, {threads} thread(s)");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public unsafe void BackwardMatchesGemm(int n, int inF, int outF)
    {
        if (!DenseKernels.BackwardApplies(n, inF, outF)) return;
        var x = KernelAssert.Random(n * inF, 3);
        var w = KernelAssert.Random(outF * inF, 4);
        var dy = KernelAssert.Random(n * outF, 5);
        var dw0 = KernelAssert.Random(outF * inF, 6);
        var dxExpected = new float[n * inF];
        var dwExpected = (float[])dw0.Clone();
        Gemm.Multiply(false, false, n, inF, outF, dy, outF, w, inF, dxExpected, inF, false);
        Gemm.Multiply(true, false, outF, inF, n, dy, outF, x, inF, dwExpected, inF, true);
        var dwNaive = (float[])dw0.Clone();
        GemmReference.Multiply(true, false, outF, inF, n, dy, outF, x, inF, dwNaive, inF, true);
        KernelAssert.Close(dwNaive, dwExpected, 1e-4f, "gemm vs naive");
        foreach (int threads in new[] { 1, 2 })
        {
            var dx = KernelAssert.Random(n * inF, 7);
            var dw = (float[])dw0.Clone();
            fixed (float* px = x, pw = w, pdy = dy, pdx = dx, pdw = dw)
                DenseKernels.Backward(n, inF, outF, pdy, pw, px, pdx, pdw, new ComputeOptions { Threads = threads });
            KernelAssert.BitIdentical(dxExpected, dx, $"∂x {n}×{inF}→{outF}, {threads} thread(s)");
            KernelAssert.BitIdentical(dwExpected, dw, $"∂W {n}×{inF}→{outF}, {threads} thread(s)");
        }
    }

    [Fact]
    public void TakenForCnn2sDenseLayerOnAvx512()
    {
        if (GemmBlocking.BestIsa != GemmIsa.Avx512) return;
        Assert.True(DenseKernels.ForwardApplies(64, 7744, 128));
        Assert.True(DenseKernels.BackwardApplies(64, 7744, 128));
        Assert.False(DenseKernels.BackwardApplies(4, 7744, 128));
        Assert.False(DenseKernels.ForwardApplies(64, 128, 1));
    }

    /// <summary>A training step through the layer gives the same output and gradients with the kernels on and off.</summary>
    [Theory]
    [InlineData(64, 7744, 128)]
    [InlineData(13, 100, 16)]
    public void LayerSameBitsWithAndWithout(int n, int inF, int outF)
    {
        (float[] y, float[] dx, float[] dw, float[] db) Step(bool enabled)
        {
            var layer = new Dense(inF, outF, new Random(9));
            layer.SetCompute(new ComputeOptions { Threads = 1 });
            layer.SetTraining(true);
            var input = new Tensor(n, inF);
            KernelAssert.Random(n * inF, 10).CopyTo(input.Data, 0);
            var gradOut = new Tensor(n, outF);
            KernelAssert.Random(n * outF, 11).CopyTo(gradOut.Data, 0);
            bool saved = DenseKernels.Enabled;
            DenseKernels.Enabled = enabled;
            try
            {
                var y = (float[])layer.Forward(input).Data.Clone();
                var dx = (float[])layer.Backward(gradOut).Data.Clone();
                return (y, dx, (float[])layer.Weight.Gradient.Data.Clone(), (float[])layer.Bias!.Gradient.Data.Clone());
            }
            finally { DenseKernels.Enabled = saved; }
        }

        var off = Step(false);
        var on = Step(true);
        KernelAssert.BitIdentical(off.y, on.y, "output");
        KernelAssert.BitIdentical(off.dx, on.dx, "∂x");
        KernelAssert.BitIdentical(off.dw, on.dw, "∂W");
        KernelAssert.BitIdentical(off.db, on.db, "∂b");
    }
}
