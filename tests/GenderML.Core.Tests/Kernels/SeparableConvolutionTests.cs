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
}
