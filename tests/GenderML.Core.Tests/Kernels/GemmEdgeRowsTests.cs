using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="GemmEdgeRows"/>: the rows left under an AVX-512 8-row block, run a row at a time across slivers,
/// give the bits of the full block's edge tile, and the sums of the naive reference.</summary>
public sealed class GemmEdgeRowsTests
{
    [Fact]
    public unsafe void GemmMatchesTheEdgeTileBitForBit()
    {
        if (!GemmBlocking.IsSupported(GemmIsa.Avx512)) return;
        var bk = GemmBlocking.For(GemmIsa.Avx512);
        int seed = 1;
        foreach (int m in new[] { 1, 3, 5, 9, 13, 23 })
        foreach (int n in new[] { 32, 96, 160, 200, 256 })
        foreach (int k in new[] { 5, 300 })
        {
            bool transA = (seed & 1) != 0, transB = (seed & 2) != 0, accumulate = (seed & 4) != 0;
            int threads = 1 + seed % 2;
            int lda = transA ? m : k, ldb = transB ? k : n, ldc = n + 3;
            var a = KernelAssert.Random((transA ? k : m) * lda, seed);
            var b = KernelAssert.Random((transB ? n : k) * ldb, seed + 1);
            var expected = KernelAssert.Random(m * ldc, seed + 2);
            var wide = (float[])expected.Clone();
            var tile = (float[])expected.Clone();
            GemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            fixed (float* pa = a, pb = b, pw = wide, pt = tile)
            {
                GemmDriver.Run(bk, transA, transB, m, n, k, pa, lda, pb, ldb, pw, ldc, accumulate, threads);
                GemmDriver.EdgeRows = false;
                try { GemmDriver.Run(bk, transA, transB, m, n, k, pa, lda, pb, ldb, pt, ldc, accumulate, threads); }
                finally { GemmDriver.EdgeRows = true; }
            }
            string what = $"m={m} n={n} k={k} tA={transA} tB={transB} acc={accumulate}";
            KernelAssert.BitIdentical(tile, wide, what);
            KernelAssert.Close(expected, wide, 1e-5f * (1 + MathF.Sqrt(k)), what);
            seed++;
        }
    }

    [Theory]
    [InlineData(64, 3, 96)]   // 9 pixels: one block of 8 rows, one row left; 3 slivers
    [InlineData(256, 3, 256)] // the face ResNet's conv256_down second conv on one image
    [InlineData(32, 5, 160)]  // 25 pixels: one row left, 5 slivers
    public unsafe void FewPixelConvolutionKeepsItsBits(int channels, int size, int outChannels)
    {
        // A frozen layer on few pixels runs transposed (the pixels along the 8-row blocks): one image alone, the same
        // image in a batch of 3, the edge tile's path and the reference.
        var g = new ConvGeometry(3, channels, size, size, outChannels, 3, 3, 1, 1, 1, 1, 1, 1);
        var one = g with { Batch = 1 };
        var x = KernelAssert.Random(g.InputLength, 1);
        var w = KernelAssert.Random(g.WeightLength, 2);
        var bias = KernelAssert.Random(g.OutChannels, 3);
        var expected = new float[g.OutputLength];
        ConvolutionReference.Forward(g, x, w, bias, expected);
        var batch = new float[g.OutputLength];
        var alone = new float[one.OutputLength];
        var tile = new float[one.OutputLength];
        var packed = new PackedWeights();
        var input = x.AsSpan(one.InputLength, one.InputLength);
        Convolution.Forward(g, x, w, bias, default, false, batch, null, packed);
        Convolution.Forward(one, input, w, bias, default, false, alone, null, packed);
        GemmDriver.EdgeRows = false;
        try { Convolution.Forward(one, input, w, bias, default, false, tile, null, packed); }
        finally { GemmDriver.EdgeRows = true; }
        KernelAssert.Close(expected, batch, 1e-5f * (1 + MathF.Sqrt(9f * channels)), g.ToString());
        KernelAssert.BitIdentical(tile, alone, $"{one}: edge rows against the edge tile");
        KernelAssert.BitIdentical(batch.AsSpan(one.OutputLength, one.OutputLength).ToArray(), alone, $"{one} alone against in a batch");
    }
}
