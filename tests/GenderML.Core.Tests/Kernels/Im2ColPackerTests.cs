using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary>
/// The implicit im2col packers against their naive reference: <see cref="Im2Col.Lower"/> writes the column matrix,
/// <see cref="GemmPacking.PackBSliver"/> packs it; the packers must produce the same slivers bit for bit.
/// </summary>
public sealed class Im2ColPackerTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int s = 0; s < 8; s++) data.Add(s);
        return data;
    }

    /// <summary>Geometries with 1, odd and vector-width ± 1 output rows, strides 1–3, asymmetric padding.</summary>
    private static IEnumerable<ConvGeometry> Geometries(int seed)
    {
        var rng = new Random(seed);
        int made = 0;
        while (made < 12)
        {
            int h = new[] { 1, 2, 4, 7, 8, 9, 16, 17 }[rng.Next(8)], w = new[] { 1, 2, 4, 7, 8, 9, 15, 16, 17, 33 }[rng.Next(10)];
            int k = new[] { 1, 2, 3, 3, 5, 7 }[rng.Next(6)];
            var g = new ConvGeometry(1 + rng.Next(3), 1 + rng.Next(5), h, w, 4, k, 1 + rng.Next(k),
                StrideHeight: 1 + rng.Next(2), StrideWidth: 1 + rng.Next(3),
                PadTop: rng.Next(k), PadLeft: rng.Next(k), PadBottom: rng.Next(k), PadRight: rng.Next(k));
            if (g.InHeight + g.PadTop + g.PadBottom < g.KernelHeight || g.InWidth + g.PadLeft + g.PadRight < g.KernelWidth) continue;
            made++;
            yield return g;
        }
        yield return new ConvGeometry(3, 4, 4, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1);     // ResNet layer3-like: runs of 4
        yield return new ConvGeometry(9, 3, 2, 2, 8, 3, 3, 1, 1, 1, 1, 1, 1);     // layer4-like: runs of 2
        yield return new ConvGeometry(2, 2, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1);     // layer2-like: runs of 8
        yield return new ConvGeometry(2, 2, 16, 16, 8, 3, 3, 1, 1, 1, 1, 1, 1);   // layer1-like: runs of 16
        yield return new ConvGeometry(1, 3, 64, 64, 8, 7, 7, 2, 2, 3, 3, 3, 3);   // the stem: stride 2, runs of 32
        yield return new ConvGeometry(2, 2, 40, 40, 8, 3, 3, 2, 2, 1, 1, 1, 1);   // stride 2, runs of 20
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public unsafe void ForwardPackerMatchesLoweredMatrix(int seed)
    {
        foreach (var g in Geometries(seed))
        {
            int k = g.InChannels * g.KernelHeight * g.KernelWidth, cols = g.Batch * g.OutHeight * g.OutWidth;
            var x = KernelAssert.Random(g.InputLength, seed);
            var col = Lowered(g, x);
            fixed (float* px = x, pcol = col)
            {
                var packer = Im2ColPacker.ForThisThread;
                long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
                packer.Set(PaddedChunk.Fill(g, px, imageStride, g.InChannels, g.Batch, 6), g);
                foreach (var (p0, kc, j0, n) in Slivers(k, cols, seed))
                {
                    var expected = new float[kc * 32];
                    var actual = KernelAssert.Random(kc * 32, 7);
                    fixed (float* pe = expected, pa = actual)
                    {
                        GemmPacking.PackBSliver(false, pcol, cols, p0, kc, j0, n, 32, pe);
                        packer.PackSliver(p0, kc, j0, n, 32, pa);
                    }
                    KernelAssert.BitIdentical(expected, actual, $"{g} sliver p0={p0} kc={kc} j0={j0} cols={n}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public unsafe void TransposedPackerMatchesLoweredMatrix(int seed)
    {
        foreach (var g in Geometries(seed + 100))
        {
            int k = g.InChannels * g.KernelHeight * g.KernelWidth, cols = g.Batch * g.OutHeight * g.OutWidth;
            var x = KernelAssert.Random(g.InputLength, seed);
            var col = Lowered(g, x);
            fixed (float* px = x, pcol = col)
            {
                var packer = Im2ColTransposedPacker.ForThisThread;
                long imageStride = (long)g.InChannels * g.InHeight * g.InWidth;
                packer.Set(PaddedChunk.Fill(g, px, imageStride, g.InChannels, g.Batch, 6), g);
                // op(B) = colᵀ: rows are pixels (the reduction), columns are kernel taps.
                foreach (var (p0, kc, j0, n) in Slivers(cols, k, seed))
                {
                    var expected = new float[kc * 32];
                    var actual = KernelAssert.Random(kc * 32, 7);
                    fixed (float* pe = expected, pa = actual)
                    {
                        GemmPacking.PackBSliver(true, pcol, cols, p0, kc, j0, n, 32, pe);
                        packer.PackSliver(p0, kc, j0, n, 32, pa);
                    }
                    KernelAssert.BitIdentical(expected, actual, $"{g} transposed sliver p0={p0} kc={kc} j0={j0} cols={n}");
                }
            }
        }
    }

    /// <summary>The K × (N·OH·OW) column matrix of the whole batch, image by image.</summary>
    private static unsafe float[] Lowered(in ConvGeometry g, float[] x)
    {
        int k = g.InChannels * g.KernelHeight * g.KernelWidth, ohw = g.OutHeight * g.OutWidth, cols = g.Batch * ohw;
        var col = new float[Math.Max(k * cols, 1)];
        fixed (float* px = x, pcol = col)
            for (int n = 0; n < g.Batch; n++)
                Im2Col.Lower(g, px + (long)n * g.InChannels * g.InHeight * g.InWidth, g.InChannels, pcol + n * ohw, cols);
        return col;
    }

    /// <summary>Slivers (p0, kc, j0, cols) of a rows × columns operand: whole, row blocks at odd offsets, partial last columns.</summary>
    private static IEnumerable<(int P0, int Kc, int J0, int Cols)> Slivers(int rows, int columns, int seed)
    {
        var rng = new Random(seed);
        for (int j0 = 0; j0 < columns; j0 += 32)
        {
            int n = Math.Min(32, columns - j0);
            yield return (0, rows, j0, n);
            int p0 = rng.Next(rows), kc = 1 + rng.Next(rows - p0);
            yield return (p0, kc, j0, n);
            if (n > 1) yield return (p0, kc, j0 + 1, n - 1);
        }
    }
}
