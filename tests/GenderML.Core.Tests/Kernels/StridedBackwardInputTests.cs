using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="StridedBackwardInput"/> (∂X of a stride-2 convolution as four stride-1 convolutions) against the
/// reference: 3×3 with symmetric, 'same' (bottom/right) and no padding, odd and even maps, a 1×1 shortcut (three
/// parities no tap reaches), on one thread and two; shapes it does not take.</summary>
public sealed class StridedBackwardInputTests
{
    public static TheoryData<ConvGeometry> Shapes() => new(
        new ConvGeometry(2, 16, 16, 16, 32, 3, 3, 2, 2, 1, 1, 1, 1),   // the resnet's downsampling 3×3, smaller
        new ConvGeometry(3, 8, 9, 11, 24, 3, 3, 2, 2, 1, 1, 1, 1),     // odd maps
        new ConvGeometry(2, 16, 12, 12, 16, 3, 3, 2, 2, 0, 0, 1, 1),   // TensorFlow 'same'
        new ConvGeometry(2, 8, 13, 12, 8, 3, 3, 2, 2),                 // 'valid'
        new ConvGeometry(2, 16, 10, 10, 32, 1, 1, 2, 2),               // 1×1 shortcut
        new ConvGeometry(1, 4, 7, 7, 8, 5, 5, 2, 2, 2, 2, 2, 2));      // 5×5

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheReference(ConvGeometry g)
    {
        Span<StridedBackwardInput.Parity> parities = stackalloc StridedBackwardInput.Parity[4];
        Assert.True(StridedBackwardInput.Plan(g, parities), $"{g}");
        var dy = KernelAssert.Random(g.OutputLength, 1);
        var w = KernelAssert.Random(g.WeightLength, 2);
        var expected = new float[g.InputLength];
        ConvolutionReference.BackwardInput(g, dy, w, expected);
        foreach (int threads in new[] { 1, 2 })
        {
            var actual = KernelAssert.Random(g.InputLength, 3); // overwritten
            Convolution.BackwardInput(g, dy, w, actual, new ComputeOptions { Threads = threads });
            KernelAssert.Close(expected, actual, 1e-5f, $"{g}, {threads} thread(s)");
        }
    }

    [Fact]
    public void OtherShapesAreNotTaken()
    {
        Span<StridedBackwardInput.Parity> parities = stackalloc StridedBackwardInput.Parity[4];
        Assert.False(StridedBackwardInput.Plan(new ConvGeometry(1, 8, 9, 9, 8, 3, 3), parities)); // stride 1
        Assert.False(StridedBackwardInput.Plan(new ConvGeometry(1, 8, 9, 9, 8, 3, 3, 3, 3), parities)); // stride 3
        Assert.False(StridedBackwardInput.Plan(new ConvGeometry(1, 8, 9, 9, 8, 3, 3, 2, 2, 1, 1, 1, 1, 8), parities));
    }
}
