using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

public sealed class ConvolutionTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int s = 0; s < 12; s++) data.Add(s);
        return data;
    }

    /// <summary>Random geometries: 0/1/odd sizes, asymmetric padding, strides, groups and depthwise.</summary>
    private static IEnumerable<ConvGeometry> RandomGeometries(int seed, int count)
    {
        var rng = new Random(seed);
        int made = 0;
        while (made < count)
        {
            int groups = rng.Next(4) switch { 0 => 2, 1 => -1, _ => 1 };
            int c = new[] { 1, 2, 3, 4, 8 }[rng.Next(5)];
            int oc = new[] { 1, 2, 5, 16, 17, 33 }[rng.Next(6)];
            if (groups == -1) { groups = c; oc = c; }
            if (c % groups != 0 || oc % groups != 0) { groups = 1; }
            int h = new[] { 1, 2, 5, 8, 17 }[rng.Next(5)], w = new[] { 1, 3, 7, 16, 17 }[rng.Next(5)];
            int kh = new[] { 1, 2, 3, 5 }[rng.Next(4)], kw = new[] { 1, 3, 3, 4 }[rng.Next(4)];
            var g = new ConvGeometry(new[] { 0, 1, 2, 3 }[rng.Next(4)], c, h, w, oc, kh, kw,
                StrideHeight: 1 + rng.Next(2), StrideWidth: 1 + rng.Next(3),
                PadTop: rng.Next(3), PadLeft: rng.Next(3), PadBottom: rng.Next(2), PadRight: rng.Next(3), Groups: groups);
            if (g.InHeight + g.PadTop + g.PadBottom < kh || g.InWidth + g.PadLeft + g.PadRight < kw) continue;
            made++;
            yield return g;
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesReferenceOnRandomGeometries(int seed)
    {
        foreach (var g in RandomGeometries(seed, 25)) CheckAllPasses(g, seed);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void BothLoweringsMatchReference(int seed)
    {
        foreach (var g in RandomGeometries(seed + 1000, 12))
        {
            CheckLowering(g, ConvLowering.Explicit, seed, threads: 1 + (seed & 1));
            CheckLowering(g, ConvLowering.Implicit, seed, threads: 2 - (seed & 1));
        }
    }

    [Theory]
    [InlineData(3, 64, 6, 6, 64, 3, 1, 1)]      // ResNet layer1-like (∂X through the flipped-weight forward)
    [InlineData(70, 64, 2, 2, 64, 3, 1, 1)]     // layer4-like maps, several chunks
    [InlineData(2, 128, 4, 4, 64, 3, 1, 1)]     // weights ≥ 64K floats: ∂X flips them on all threads
    [InlineData(3, 64, 16, 16, 64, 3, 1, 1)]    // layer1: 256-pixel planes, the GEMM writes the images in place
    [InlineData(5, 8, 8, 8, 16, 3, 1, 1)]       // 64-pixel planes in place
    [InlineData(9, 64, 4, 4, 32, 3, 2, 1)]      // strided
    [InlineData(9, 64, 4, 4, 32, 1, 2, 0)]      // 1×1 strided projection
    [InlineData(2, 3, 20, 20, 64, 7, 2, 3)]     // the stem
    public void ResNetShapesMatchReferenceBothWays(int n, int c, int h, int w, int oc, int k, int stride, int pad)
    {
        var g = new ConvGeometry(n, c, h, w, oc, k, k, stride, stride, pad, pad, pad, pad);
        CheckAllPasses(g, 3);
        CheckLowering(g, ConvLowering.Explicit, 4, threads: 2);
        CheckLowering(g, ConvLowering.Implicit, 5, threads: 2);
    }

    [Theory]
    [InlineData(2, 3, 50, 50, 32, 3, 3, 1, 0, 0, 0, 0, 1)]     // first layer of a small CNN
    [InlineData(3, 32, 24, 24, 64, 3, 3, 1, 0, 0, 0, 0, 1)]
    [InlineData(2, 16, 9, 9, 32, 3, 3, 2, 1, 1, 1, 1, 1)]      // strided
    [InlineData(2, 16, 8, 8, 32, 3, 3, 2, 0, 0, 1, 1, 1)]      // TensorFlow "same", odd pad bottom/right
    [InlineData(130, 8, 4, 4, 16, 3, 3, 1, 1, 1, 1, 1, 1)]     // many small images: chunked, parallel chunks
    [InlineData(40, 8, 6, 6, 12, 1, 1, 1, 0, 0, 0, 0, 1)]      // pointwise
    [InlineData(5, 32, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 32)]   // depthwise
    [InlineData(3, 16, 13, 13, 16, 3, 3, 2, 1, 1, 1, 1, 16)]   // depthwise strided
    [InlineData(4, 8, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 4)]       // grouped
    public void MatchesReferenceOnNetworkShapes(int n, int c, int h, int w, int oc, int kh, int kw, int stride,
        int pt, int pl, int pb, int pr, int groups)
    {
        var g = new ConvGeometry(n, c, h, w, oc, kh, kw, stride, stride, pt, pl, pb, pr, groups);
        CheckAllPasses(g, 42);
    }

    [Theory]
    [InlineData(130, 8, 4, 4, 16, 1)]
    [InlineData(6, 16, 20, 20, 32, 1)]
    [InlineData(9, 16, 10, 10, 16, 16)]
    [InlineData(70, 64, 4, 4, 64, 1)]
    [InlineData(3, 64, 16, 16, 64, 1)]
    public void OneAndTwoThreadsAreBitIdentical(int n, int c, int h, int w, int oc, int groups)
    {
        var g = new ConvGeometry(n, c, h, w, oc, 3, 3, 1, 1, 1, 1, 1, 1, groups);
        var one = RunAll(g, ComputeOptions.SingleThreaded, 5);
        var two = RunAll(g, new ComputeOptions { Threads = 2 }, 5);
        for (int i = 0; i < one.Length; i++) KernelAssert.BitIdentical(one[i], two[i], $"{g} output {i}");
    }

    [Fact]
    public void RejectsInconsistentGeometry()
    {
        var g = new ConvGeometry(1, 3, 5, 5, 4, 3, 3, Groups: 2);
        Assert.Throws<ArgumentException>(() => Convolution.Forward(g, new float[75], new float[54], [], new float[36]));
        var ok = new ConvGeometry(1, 3, 5, 5, 4, 3, 3);
        Assert.Throws<ArgumentException>(() => Convolution.Forward(ok, new float[74], new float[108], [], new float[36]));
        Assert.Throws<ArgumentException>(() => Convolution.Forward(ok, new float[75], new float[108], new float[3], new float[36]));
    }

    private static float[][] RunAll(in ConvGeometry g, ComputeOptions options, int seed)
    {
        var x = KernelAssert.Random(g.InputLength, seed);
        var w = KernelAssert.Random(g.WeightLength, seed + 1);
        var b = KernelAssert.Random(g.OutChannels, seed + 2);
        var dy = KernelAssert.Random(g.OutputLength, seed + 3);
        var y = new float[g.OutputLength];
        var dx = new float[g.InputLength];
        var dw = KernelAssert.Random(g.WeightLength, seed + 4);
        var db = KernelAssert.Random(g.OutChannels, seed + 5);
        Convolution.Forward(g, x, w, b, y, options);
        Convolution.BackwardInput(g, dy, w, dx, options);
        Convolution.BackwardWeight(g, x, dy, dw, db, options);
        return [y, dx, dw, db];
    }

    /// <summary>All three passes of <see cref="LoweredConvolution"/> with <paramref name="lowering"/> forced, against the reference.</summary>
    private static unsafe void CheckLowering(in ConvGeometry g, ConvLowering lowering, int seed, int threads)
    {
        var x = KernelAssert.Random(g.InputLength, seed);
        var w = KernelAssert.Random(g.WeightLength, seed + 1);
        var b = KernelAssert.Random(g.OutChannels, seed + 2);
        var dy = KernelAssert.Random(g.OutputLength, seed + 3);
        int reduce = g.InChannelsPerGroup * g.KernelHeight * g.KernelWidth;
        float tol = 1e-5f * (1 + MathF.Sqrt(Math.Max(reduce, g.Batch * g.OutHeight * g.OutWidth)));
        string what = $"{lowering} {g}";

        var y = new float[g.OutputLength];
        var yActual = KernelAssert.Random(g.OutputLength, 99);
        var dx = new float[g.InputLength];
        var dxActual = KernelAssert.Random(g.InputLength, 98);
        var dw = KernelAssert.Random(g.WeightLength, seed + 4);
        var db = KernelAssert.Random(g.OutChannels, seed + 5);
        var dwActual = (float[])dw.Clone();
        var dbActual = (float[])db.Clone();
        ConvolutionReference.Forward(g, x, w, b, y);
        ConvolutionReference.BackwardInput(g, dy, w, dx);
        ConvolutionReference.BackwardWeight(g, x, dy, dw, db);
        if (g.OutputLength > 0 && g.InputLength > 0)
        {
            fixed (float* px = x, pw = w, pb = b, py = yActual, pdy = dy, pdx = dxActual, pdw = dwActual, pdb = dbActual)
            {
                LoweredConvolution.Forward(new ConvOperands(g, px, pw, pb, py, lowering), threads);
                LoweredConvolution.BackwardInput(new ConvOperands(g, pdx, pw, null, pdy, lowering), threads);
                LoweredConvolution.BackwardWeight(new ConvOperands(g, px, pdw, pdb, pdy, lowering), threads);
            }
        }
        else
        {
            yActual = y; dxActual = dx; dwActual = dw; dbActual = db;
        }
        KernelAssert.Close(y, yActual, tol, $"Forward {what}");
        KernelAssert.Close(dx, dxActual, tol, $"BackwardInput {what}");
        KernelAssert.Close(dw, dwActual, tol, $"BackwardWeight ∂W {what}");
        KernelAssert.Close(db, dbActual, tol, $"BackwardWeight ∂b {what}");
    }

    private static void CheckAllPasses(in ConvGeometry g, int seed)
    {
        var x = KernelAssert.Random(g.InputLength, seed);
        var w = KernelAssert.Random(g.WeightLength, seed + 1);
        var b = KernelAssert.Random(g.OutChannels, seed + 2);
        var dy = KernelAssert.Random(g.OutputLength, seed + 3);
        int reduce = g.InChannelsPerGroup * g.KernelHeight * g.KernelWidth;
        float tol = 1e-5f * (1 + MathF.Sqrt(Math.Max(reduce, g.Batch * g.OutHeight * g.OutWidth)));
        bool withBias = (seed & 1) == 0;

        var expected = new float[g.OutputLength];
        var actual = KernelAssert.Random(g.OutputLength, 99);
        ConvolutionReference.Forward(g, x, w, withBias ? b : [], expected);
        Convolution.Forward(g, x, w, withBias ? b : [], actual);
        KernelAssert.Close(expected, actual, tol, $"Forward {g}");

        var dxExpected = new float[g.InputLength];
        var dxActual = KernelAssert.Random(g.InputLength, 98);
        ConvolutionReference.BackwardInput(g, dy, w, dxExpected);
        Convolution.BackwardInput(g, dy, w, dxActual);
        KernelAssert.Close(dxExpected, dxActual, tol, $"BackwardInput {g}");

        var dwExpected = KernelAssert.Random(g.WeightLength, seed + 4);
        var dbExpected = KernelAssert.Random(g.OutChannels, seed + 5);
        var dwActual = (float[])dwExpected.Clone();
        var dbActual = (float[])dbExpected.Clone();
        ConvolutionReference.BackwardWeight(g, x, dy, dwExpected, withBias ? dbExpected : []);
        Convolution.BackwardWeight(g, x, dy, dwActual, withBias ? dbActual : []);
        KernelAssert.Close(dwExpected, dwActual, tol, $"BackwardWeight ∂W {g}");
        KernelAssert.Close(dbExpected, dbActual, tol, $"BackwardWeight ∂b {g}");
    }
}
