using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="Depthwise3x3"/> against the reference convolution (and the ReLU of its input), on every
/// instruction set the machine runs, with the fused epilogue, over widths around the vector lengths.</summary>
public sealed class Depthwise3x3Tests
{
    public static TheoryData<int> Isas() => DirectConvolutionTests.Isas();

    private static IEnumerable<ConvGeometry> Shapes()
    {
        foreach (int width in new[] { 1, 2, 7, 8, 9, 14, 16, 17, 24, 28, 32, 33, 40, 56, 57 })
        {
            yield return new(2, 3, 5, width, 3, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 3);         // 'same', stride 1
            yield return new(1, 2, 14, width, 2, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 2);        // 'same', 8 + 6 rows
            yield return new(1, 2, 6, width + 2, 2, 3, 3, 1, 1, 0, 0, 0, 0, Groups: 2);     // 'valid'
            yield return new(1, 2, 7, width + 1, 2, 3, 3, 2, 2, 0, 0, 1, 1, Groups: 2);     // TF 'same', stride 2
            yield return new(1, 3, 6, width, 3, 3, 3, 2, 2, 1, 1, 1, 1, Groups: 3);         // stride 2, pad 1
        }
        yield return new(1, 2, 4, 5, 2, 3, 3, 1, 1, 2, 1, 0, 2, Groups: 2);                 // asymmetric padding
        yield return new(1, 1, 9, 10, 1, 3, 3, 2, 2, 0, 1, 2, 0, Groups: 1);                // odd left padding, stride 2
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var g in Shapes())
        foreach (bool fused in new[] { false, true })
        {
            Assert.True(Depthwise3x3.Handles(g), g.ToString());
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var residual = KernelAssert.Random(g.OutputLength, 4);
            var expected = new float[g.OutputLength];
            var input = fused ? x.Select(v => MathF.Max(v, 0f)).ToArray() : x;
            ConvolutionReference.Forward(g, input, w, fused ? b : [], expected);
            if (fused)
                for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            var actual = Enumerable.Repeat(float.NaN, g.OutputLength).ToArray();
            fixed (float* px = x, pw = w, pb = b, py = actual, pr = residual)
                Depthwise3x3.Forward(fused ? new ConvOperands(g, px, pw, pb, py, residual: pr, relu: true)
                    : new ConvOperands(g, px, pw, null, py), reluInput: fused, threads: 2, isa);
            KernelAssert.Close(expected, actual, 1e-5f, $"{isa} {g} fused={fused}");
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesTheDirectKernelBitForBit(int isaIndex)
    {
        // The same fused multiply-add chain as DepthwiseConvolution, whose zeros outside the input it skips; 'same'
        // stride 1 over widths of each path (rows of 4 and 8 with leftovers, last runs of 8 outputs paired).
        var isa = (GemmIsa)isaIndex;
        foreach (int width in new[] { 8, 14, 24, 28, 40, 55, 56, 104 })
        foreach (int height in new[] { 1, 3, 6, 14 })
        {
            var g = new ConvGeometry(2, 4, height, width, 4, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 4);
            var x = KernelAssert.Random(g.InputLength, 5);
            var w = KernelAssert.Random(g.WeightLength, 6);
            var b = KernelAssert.Random(g.OutChannels, 7);
            var fast = new float[g.OutputLength];
            var naive = new float[g.OutputLength];
            fixed (float* px = x, pw = w, pb = b, pf = fast, pn = naive)
            {
                Depthwise3x3.Forward(new ConvOperands(g, px, pw, pb, pf), reluInput: false, threads: 1, isa);
                DepthwiseConvolution.Forward(new ConvOperands(g, px, pw, pb, pn), threads: 1);
            }
            KernelAssert.BitIdentical(naive, fast, $"{isa} {g}");
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void BandsOfManyPlanesMatchTheDirectKernelBitForBit(int isaIndex)
    {
        // As the separable convolution calls it: all planes of a band of rows in one call (one padded scratch reused
        // across the planes), bands touching the top, the middle and the bottom, the input's ReLU on the way.
        var isa = (GemmIsa)isaIndex;
        foreach (int width in new[] { 8, 17, 28, 56, 104 })
        foreach (bool reluInput in new[] { false, true })
        {
            var g = new ConvGeometry(1, 5, 14, width, 5, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 5);
            var x = KernelAssert.Random(g.InputLength, 8);
            var w = KernelAssert.Random(g.WeightLength, 9);
            var naive = new float[g.OutputLength];
            var input = reluInput ? x.Select(v => MathF.Max(v, 0f)).ToArray() : x;
            fixed (float* px = input, pw = w, pn = naive)
                DepthwiseConvolution.Forward(new ConvOperands(g, px, pw, null, pn), threads: 1);
            var fast = new float[g.OutputLength];
            int plane = g.OutHeight * g.OutWidth;
            foreach (var (y0, y1) in new[] { (0, 4), (4, 5), (5, 13), (13, 14) })
            {
                var band = new float[g.InChannels * (y1 - y0) * g.OutWidth];
                fixed (float* px = x, pw = w, pb = band)
                    Depthwise3x3.Rows(new ConvOperands(g, px, pw, null, null), reluInput, isa, 0, g.InChannels, y0, y1,
                        pb, (y1 - y0) * g.OutWidth);
                for (int c = 0; c < g.InChannels; c++)
                    Array.Copy(band, c * (y1 - y0) * g.OutWidth, fast, c * plane + y0 * g.OutWidth,
                        (y1 - y0) * g.OutWidth);
            }
            KernelAssert.BitIdentical(naive, fast, $"{isa} {g} reluInput={reluInput}");
        }
    }
}
