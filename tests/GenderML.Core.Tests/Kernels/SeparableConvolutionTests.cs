using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="SeparableConvolution"/> against the reference convolutions run in turn, on every instruction
/// set the machine runs, with the input ReLU and the fused epilogue.</summary>
public sealed class SeparableConvolutionTests
{
    public static TheoryData<int> Isas() => DirectConvolutionTests.Isas();

    [Theory]
    [MemberData(nameof(Isas))]
    public unsafe void MatchesReference(int isaIndex)
    {
        var isa = (GemmIsa)isaIndex;
        foreach (var (dg, oc) in new (ConvGeometry, int)[]
        {
            (new(3, 8, 14, 14, 8, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 8), 16),      // TinyXception, smaller
            (new(2, 5, 9, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 5), 9),         // edges in every direction
            (new(2, 4, 11, 11, 4, 3, 3, 2, 2, 0, 0, 1, 1, Groups: 4), 8),       // stride-2 depthwise
            (new(1, 64, 15, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 64), 12),   // bands of rows, the last one short
            (new(2, 16, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 16), 24),     // the exit layer, smaller: 8×49 blocks
            (new(1, 8, 13, 20, 8, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 8), 16),      // one image cut in two bands (7 + 6 rows)
        })
        foreach (bool fused in new[] { false, true })
        {
            var pg = new ConvGeometry(dg.Batch, dg.OutChannels, dg.OutHeight, dg.OutWidth, oc, 1, 1);
            var x = KernelAssert.Random(dg.InputLength, 1);
            var dw = KernelAssert.Random(dg.WeightLength, 2);
            var pw = KernelAssert.Random(pg.WeightLength, 3);
            var b = KernelAssert.Random(oc, 4);
            var residual = KernelAssert.Random(pg.OutputLength, 5);
            var mid = new float[dg.OutputLength];
            ConvolutionReference.Forward(dg, fused ? x.Select(v => MathF.Max(v, 0f)).ToArray() : x, dw, [], mid);
            var expected = new float[pg.OutputLength];
            ConvolutionReference.Forward(pg, mid, pw, b, expected);
            if (fused)
                for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            var actual = Enumerable.Repeat(float.NaN, pg.OutputLength).ToArray();
            fixed (float* px = x, pdw = dw, ppw = pw, pb = b, pr = residual, py = actual)
                SeparableConvolution.Forward(new ConvOperands(dg, px, pdw, null, null), fused,
                    new ConvOperands(pg, null, ppw, pb, py, residual: fused ? pr : null, relu: fused), threads: 2, isa);
            KernelAssert.Close(expected, actual, 1e-5f * (1 + MathF.Sqrt(dg.OutChannels * 9)),
                $"{isa} {dg} → {oc} fused={fused}");
        }
    }

    [Fact]
    public unsafe void BandsCutForTheThreadsGiveTheSameBits()
    {
        // One image on 1, 2 and 3 threads: bands of different sizes, pooled (13 rows: the last band odd) and not.
        var dg = new ConvGeometry(1, 16, 13, 26, 16, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 16);
        var pg = new ConvGeometry(1, 16, 13, 26, 24, 1, 1);
        var x = KernelAssert.Random(dg.InputLength, 6);
        var dw = KernelAssert.Random(dg.WeightLength, 7);
        var pw = KernelAssert.Random(pg.WeightLength, 8);
        var b = KernelAssert.Random(24, 9);
        foreach (bool pooled in new[] { false, true })
        {
            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var y = new float[pooled ? 24 * 7 * 13 : pg.OutputLength];
                fixed (float* px = x, pdw = dw, ppw = pw, pb = b, py = y)
                    SeparableConvolution.Forward(new ConvOperands(dg, px, pdw, null, null), false,
                        new ConvOperands(pg, null, ppw, pb, pooled ? null : py), threads,
                        pool: pooled ? new SeparablePool(py, 7, 13, 1, 0, 0.1f) : default);
                if (first is null) first = y;
                else KernelAssert.BitIdentical(first, y, $"pooled={pooled} threads={threads}");
            }
        }
    }
}
