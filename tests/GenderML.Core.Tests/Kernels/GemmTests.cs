using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

public sealed class GemmTests
{
    private static readonly int[] Sizes = [0, 1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65];

    public static TheoryData<int> Isas()
    {
        var data = new TheoryData<int>();
        foreach (var isa in Enum.GetValues<GemmIsa>())
            if (GemmBlocking.IsSupported(isa)) data.Add((int)isa);
        return data;
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void MatchesReferenceOverShapeSweep(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        int seed = 1;
        foreach (int m in Sizes)
        foreach (int n in Sizes)
        foreach (int k in new[] { 0, 1, 3, 16, 17, 33 })
        {
            bool transA = (seed & 1) != 0, transB = (seed & 2) != 0, accumulate = (seed & 4) != 0;
            Check(isa, transA, transB, m, n, k, padA: seed % 3, padB: seed % 5 == 0 ? 3 : 0, padC: seed % 2, accumulate, seed);
            seed++;
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void MatchesReferenceForEveryFlagCombination(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        int seed = 100;
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        foreach (var (m, n, k) in new[] { (33, 65, 300), (200, 70, 513), (9, 700, 20), (1, 1, 1000) })
            Check(isa, transA, transB, m, n, k, padA: 5, padB: 1, padC: 7, accumulate, seed++);
    }

    [Theory]
    [InlineData(8, 16, 24, 64)]
    [InlineData(12, 32, 36, 64)]
    [InlineData(14, 32, 28, 96)]
    [InlineData(8, 256, 384, 2048)]
    public unsafe void Avx512KernelsMatchReferenceWithSmallBlocks(int mr, int kc, int mc, int nc)
    {
        if (!GemmBlocking.IsSupported(GemmIsa.Avx512)) return;
        var blocking = new GemmBlocking(GemmIsa.Avx512, mr, 32, mc, kc, nc);
        int seed = 500;
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        foreach (var (m, n, k) in new[] { (1, 1, 1), (mr + 1, 33, kc + 1), (Math.Min(3 * mc + 5, 401), Math.Min(2 * nc + 31, 290), Math.Min(3 * kc + 7, 530)), (800, 70, 40) })
        {
            int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
            var a = KernelAssert.Random((transA ? k : m) * lda, seed);
            var b = KernelAssert.Random((transB ? n : k) * ldb, seed + 1);
            var expected = KernelAssert.Random(m * ldc, seed + 2);
            var actual = (float[])expected.Clone();
            bool accumulate = (seed & 1) == 0;
            GemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
            fixed (float* pa = a, pb = b, pc = actual)
                GemmDriver.Run(blocking, transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate, threads: 2);
            KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(k)), $"{blocking} tA={transA} tB={transB} m={m} n={n} k={k}");
            seed++;
        }
    }

    [Fact]
    public void PublicEntryMatchesReference()
    {
        Check(GemmBlocking.BestIsa, false, false, 70, 90, 110, 0, 0, 0, false, 7, usePublic: true);
        Check(GemmBlocking.BestIsa, true, true, 70, 90, 110, 2, 3, 4, true, 8, usePublic: true);
    }

    [Theory]
    [InlineData(false, false, 300, 400, 500)]
    [InlineData(true, true, 257, 129, 700)]
    [InlineData(false, true, 64, 5000, 576)]
    public void OneAndTwoThreadsAreBitIdentical(bool transA, bool transB, int m, int n, int k)
    {
        var a = KernelAssert.Random(m * k, 1);
        var b = KernelAssert.Random(k * n, 2);
        int lda = transA ? m : k, ldb = transB ? k : n;
        var one = KernelAssert.Random(m * n, 3);
        var two = (float[])one.Clone();
        Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, one, n, accumulate: true, ComputeOptions.SingleThreaded);
        Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, two, n, accumulate: true, new ComputeOptions { Threads = 2 });
        KernelAssert.BitIdentical(one, two, "1 vs 2 threads");
        var three = KernelAssert.Random(m * n, 3);
        Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, three, n, accumulate: true, new ComputeOptions { Threads = 3 });
        KernelAssert.BitIdentical(one, three, "1 vs 3 threads");
    }

    [Fact]
    public void KZeroClearsOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Multiply(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c);
        Gemm.Multiply(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: false);
        Assert.Equal(new float[4], c);
    }

    [Theory]
    [InlineData(8, 32, 3, 9, 2, false)]      // segment = one register block
    [InlineData(13, 64, 4, 37, 3, true)]     // odd rows (edge tiles), k = 0 and accumulate below
    [InlineData(64, 256, 3, 576, 2, false)]  // a ResNet layer1 chunk: 3 images of 16×16
    [InlineData(70, 96, 5, 300, 1, true)]
    public unsafe void WritesColumnSegmentsInPlace(int m, int segment, int segments, int k, int gap, bool accumulate)
    {
        // C's columns in segments of `segment`, `segment·(m + gap)` floats apart (images of NCHW with m channels
        // among m + gap): compare with a plain GEMM into a contiguous matrix, element by element.
        int n = segment * segments;
        long stride = (long)segment * (m + gap);
        var a = KernelAssert.Random(m * k, m);
        var b = KernelAssert.Random(k * n, n);
        var plain = KernelAssert.Random(m * n, 5);
        var segmented = KernelAssert.Random((int)(stride * segments), 7);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            segmented[i * segment + j / segment * stride + j % segment] = plain[i * n + j];
        var untouched = (float[])segmented.Clone();
        foreach (int kk in new[] { k, 0 })
        {
            fixed (float* pa = a, pb = b, pp = plain, ps = segmented)
            {
                GemmDriver.Run(GemmIsa.Scalar, false, false, m, n, kk, pa, k, pb, n, pp, n, accumulate, threads: 1);
                GemmDriver.Run(GemmBlocking.For(GemmBlocking.BestIsa), false, false, m, n, kk, pa, k, pb, n, ps, segment,
                    accumulate, threads: 2, cSegment: segment, cSegmentStride: stride);
            }
            for (int i = 0; i < segmented.Length; i++)
            {
                long s = i / stride, r = i % stride, row = r / segment, col = r % segment;
                if (row < m)
                {
                    float e = plain[row * n + s * segment + col];
                    Assert.True(MathF.Abs(e - segmented[i]) <= 1e-4f * (1 + MathF.Abs(e)), $"k={kk}: ({row}, {s * segment + col}): {e} vs {segmented[i]}");
                }
                else Assert.Equal(untouched[i], segmented[i]);
            }
        }
    }

    [Fact]
    public void RejectsShortSpansAndLeadingDimensions()
    {
        var x = new float[6];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 3, x, 2, x, 3, new float[6], 3, false));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 3, x, 3, new float[8], 3, new float[6], 3, false));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, -1, 3, 3, x, 3, x, 3, x, 3, false));
    }

    private static unsafe void Check(GemmIsa isa, bool transA, bool transB, int m, int n, int k,
        int padA, int padB, int padC, bool accumulate, int seed, bool usePublic = false)
    {
        int lda = (transA ? m : k) + padA, ldb = (transB ? k : n) + padB, ldc = n + padC;
        var a = KernelAssert.Random((transA ? k : m) * lda, seed);
        var b = KernelAssert.Random((transB ? n : k) * ldb, seed + 1000);
        var expected = KernelAssert.Random(m * ldc, seed + 2000);
        var actual = (float[])expected.Clone();
        GemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
        if (usePublic)
        {
            Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, actual, ldc, accumulate);
        }
        else
        {
            fixed (float* pa = a, pb = b, pc = actual)
                GemmDriver.Run(isa, transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate, threads: 2);
        }
        KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(k)), $"{isa} tA={transA} tB={transB} m={m} n={n} k={k} acc={accumulate}");
    }
}
