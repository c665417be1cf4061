using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="TrimmedTaps"/>: which taps remain, and a frozen layer's convolution on them against the
/// reference and the untrimmed kernels, and bit for bit for one image alone as in a batch, on 1 and 2 threads.</summary>
public sealed class TrimmedTapsTests
{
    [Fact]
    public void TrimsOnlyTapsThatReadPaddingEverywhere()
    {
        // 3×3 "same" on a 1×1 map: the centre tap.
        Assert.Equal(new ConvGeometry(2, 8, 1, 1, 16, 1, 1, 1, 1, 0, 0, 0, 0),
            TrimmedTaps.Trim(new ConvGeometry(2, 8, 1, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1)));
        // 5×5 pad 2 on a 2×3 map: rows 1–3 and columns 0–4 are read by some pixel.
        Assert.Equal(new ConvGeometry(1, 4, 2, 3, 8, 3, 5, 1, 1, 1, 2, 1, 2),
            TrimmedTaps.Trim(new ConvGeometry(1, 4, 2, 3, 8, 5, 5, 1, 1, 2, 2, 2, 2)));
        Assert.Null(TrimmedTaps.Trim(new ConvGeometry(1, 4, 4, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.Null(TrimmedTaps.Trim(new ConvGeometry(1, 4, 4, 4, 8, 3, 3, 2, 2, 0, 0, 0, 0)));
    }

    public static TheoryData<int, int, int, int, int, int, int> Shapes() => new()
    {
        // C, H, W, OC, kernel, stride, pad
        { 256, 1, 1, 256, 3, 1, 1 },  // the face ResNet's last conv on one pixel
        { 24, 2, 3, 40, 5, 1, 2 },
        { 16, 1, 2, 64, 3, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FrozenLayerMatchesReferenceAndBatchBits(int c, int h, int w, int oc, int kernel, int stride, int pad)
    {
        var g = new ConvGeometry(3, c, h, w, oc, kernel, kernel, stride, stride, pad, pad, pad, pad);
        Assert.NotNull(TrimmedTaps.Trim(g));
        var one = g with { Batch = 1 };
        var x = KernelAssert.Random(g.InputLength, 1);
        var wt = KernelAssert.Random(g.WeightLength, 2);
        var b = KernelAssert.Random(oc, 3);
        var residual = KernelAssert.Random(g.OutputLength, 4);
        var expected = new float[g.OutputLength];
        ConvolutionReference.Forward(g, x, wt, b, expected);
        for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
        var untrimmed = new float[g.OutputLength];
        Convolution.Forward(g, x, wt, b, residual, relu: true, untrimmed, new ComputeOptions { Threads = 1 });
        var packed = new PackedWeights();
        float[] previous = [];
        foreach (int threads in new[] { 1, 2 })
        {
            var options = new ComputeOptions { Threads = threads };
            var batch = new float[g.OutputLength];
            var single = new float[one.OutputLength];
            Convolution.Forward(g, x, wt, b, residual, true, batch, options, packed);
            Convolution.Forward(one, x.AsSpan(one.InputLength, one.InputLength), wt, b,
                residual.AsSpan(one.OutputLength, one.OutputLength), true, single, options, packed);
            KernelAssert.Close(expected, batch, 1e-5f * (1 + MathF.Sqrt(c * kernel * kernel)), $"{g} threads={threads}");
            KernelAssert.Close(untrimmed, batch, 1e-5f * (1 + MathF.Sqrt(c * kernel * kernel)), $"{g} threads={threads}");
            if (threads == 2) KernelAssert.BitIdentical(previous, batch, $"{g} 1 vs 2 threads");
            previous = batch;
            KernelAssert.BitIdentical(batch.AsSpan(one.OutputLength, one.OutputLength), single, $"{one} threads={threads}");
        }
    }
}
