using GenderML.Core.Kernels;
using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Kernels;

/// <summary>
/// <see cref="PackedWeights"/>: the forward pass with weights packed once equals the pass that packs them per call,
/// bit for bit, on the GEMM and the direct paths, across batches, image sizes and threads; <see cref="Conv2d"/> and
/// <see cref="Dense"/> keep the packed copy only for frozen weights in evaluation mode and drop it when the flag or the
/// mode is set.
/// </summary>
public sealed class PackedWeightsTests
{
    private static readonly ConvGeometry[] Shapes =
    [
        new(1, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1, 1, 1),   // GEMM, one image, K = 1152: several K blocks
        new(1, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1, 1, 1),   // few pixels: the transposed GEMM
        new(2, 40, 2, 2, 100, 3, 3, 1, 1, 1, 1, 1, 1, 2), // transposed, two groups, channels not a multiple of the block
        new(3, 96, 5, 5, 44, 3, 3, 2, 2, 1, 1, 1, 1),     // GEMM, stride 2, rows not a multiple of the register block
        new(2, 80, 4, 6, 40, 1, 1, 1, 1, 0, 0, 0, 0),     // 1×1: the explicit column matrix
        new(2, 96, 6, 6, 64, 3, 3, 1, 1, 1, 1, 1, 1, 2),  // two groups
        new(1, 64, 17, 17, 64, 3, 3, 1, 1, 1, 1, 1, 1),   // the direct kernel, one image in bands
        new(1, 64, 16, 16, 48, 3, 3, 1, 1, 1, 1, 1, 1),   // Winograd: F(2×2) packed, F(4×4) per call
        new(2, 3, 21, 20, 33, 7, 7, 2, 2, 3, 3, 3, 3),    // the direct kernel, stride 2
    ];

    [Fact]
    public void PackedOnceEqualsPackedPerCall()
    {
        foreach (var g in Shapes)
        foreach (int threads in new[] { 1, 2 })
        {
            var options = new ComputeOptions { Threads = threads };
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            var packed = new PackedWeights();
            // Two image sizes and two batches with the same packed weights.
            foreach (var shape in new[] { g, g with { Batch = g.Batch + 1, InHeight = g.InHeight + 3 }, g })
            {
                var x = KernelAssert.Random(shape.InputLength, shape.InHeight);
                var residual = KernelAssert.Random(shape.OutputLength, 4);
                var expected = new float[shape.OutputLength];
                var actual = new float[shape.OutputLength];
                Convolution.Forward(shape, x, w, b, residual, relu: true, expected, options);
                Convolution.Forward(shape, x, w, b, residual, relu: true, actual, options, packed);
                // Where the per-call pass (training's) takes F(4×4, 3×3) and the packed one F(2×2, 3×3), the two round
                // differently: close, not the same bits.
                if (WinogradF4Convolution.Handles(shape))
                    KernelAssert.Close(expected, actual, 1e-4f * (1 + MathF.Sqrt(shape.InChannels * 9)), $"{shape} threads={threads}");
                else KernelAssert.BitIdentical(expected, actual, $"{shape} threads={threads}");
            }
        }
    }

    /// <summary>Few pixels and many channels run transposed; the image alone gives what it gives inside a large batch
    /// (the usual GEMM), bit for bit, and both are close to the reference convolution.</summary>
    [Theory]
    [InlineData(256, 4, 256, 1)]
    [InlineData(96, 2, 200, 1)]
    [InlineData(64, 2, 72, 2)]
    public void TransposedEqualsUsualPath(int channels, int side, int outChannels, int groups)
    {
        var one = new ConvGeometry(1, channels, side, side, outChannels, 3, 3, 1, 1, 1, 1, 1, 1, groups);
        var many = one with { Batch = 40 };
        var bk = GemmBlocking.For(GemmBlocking.BestIsa);
        Assert.True(LoweredConvolution.Transposed(one, side * side, bk));
        Assert.False(LoweredConvolution.Transposed(many, 40 * side * side, bk));
        var x = KernelAssert.Random(many.InputLength, 1);
        var w = KernelAssert.Random(one.WeightLength, 2);
        var b = KernelAssert.Random(outChannels, 3);
        var residual = KernelAssert.Random(many.OutputLength, 4);
        var batched = new float[many.OutputLength];
        Convolution.Forward(many, x, w, b, residual, relu: true, batched);
        foreach (int threads in new[] { 1, 2 })
        {
            var alone = new float[one.OutputLength];
            Convolution.Forward(one, x.AsSpan(0, one.InputLength), w, b, residual.AsSpan(0, one.OutputLength), relu: true, alone,
                new ComputeOptions { Threads = threads });
            KernelAssert.BitIdentical(batched.AsSpan(0, one.OutputLength), alone, $"{one} threads={threads}");
            var expected = new float[one.OutputLength];
            ConvolutionReference.Forward(one, x.AsSpan(0, one.InputLength), w, b, expected);
            for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i] + residual[i], 0f);
            KernelAssert.Close(expected, alone, 1e-5f * (1 + MathF.Sqrt(one.InChannelsPerGroup * 9)), one.ToString());
        }
    }

    [Fact]
    public void InvalidateRepacksChangedWeights()
    {
        var g = Shapes[0];
        var x = KernelAssert.Random(g.InputLength, 1);
        var w = KernelAssert.Random(g.WeightLength, 2);
        var packed = new PackedWeights();
        var first = new float[g.OutputLength];
        Convolution.Forward(g, x, w, [], [], false, first, null, packed);
        for (int i = 0; i < w.Length; i++) w[i] *= 0.5f;
        var expected = new float[g.OutputLength];
        var actual = new float[g.OutputLength];
        Convolution.Forward(g, x, w, [], expected);
        packed.Invalidate();
        Convolution.Forward(g, x, w, [], [], false, actual, null, packed);
        KernelAssert.BitIdentical(expected, actual, g.ToString());
    }

    [Theory]
    [InlineData(128)]   // the GEMM path
    [InlineData(32)]    // the direct kernel
    public void Conv2dRepacksWhenTheFlagOrTheModeIsSet(int channels)
    {
        var conv = new Conv2d(channels, 48, 3, new Random(1), padding: ConvPadding.Symmetric(1));
        var x = new Tensor(1, channels, 9, 9);
        KernelAssert.Random(x.Length, 5).CopyTo(x.Data, 0);
        conv.SetTraining(false);
        conv.Weight.Trainable = false;
        conv.Forward(x);

        // Changed after setting the flag again: the layer must not use the copy packed before.
        conv.Weight.Trainable = false;
        Scale(conv.Weight.Value.Data, 0.5f);
        Assert.Equal(Expected(conv, x), conv.Forward(x).Data);

        // Changed after switching the mode.
        conv.SetTraining(true);
        conv.SetTraining(false);
        Scale(conv.Weight.Value.Data, -2f);
        Assert.Equal(Expected(conv, x), conv.Forward(x).Data);

        // Trainable weights are never kept packed: a change needs no flag.
        conv.Weight.Trainable = true;
        conv.Forward(x);
        Scale(conv.Weight.Value.Data, 3f);
        Assert.Equal(Expected(conv, x), conv.Forward(x).Data);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 2)]
    public void FrozenDenseEqualsPackedPerCall(int batch, int threads)
    {
        var dense = new Dense(300, 70, new Random(1));
        dense.SetCompute(new ComputeOptions { Threads = threads });
        dense.SetTraining(false);
        var x = new Tensor(batch, 300);
        KernelAssert.Random(x.Length, 5).CopyTo(x.Data, 0);
        var expected = dense.Forward(x).Clone();
        dense.Weight.Trainable = false;
        KernelAssert.BitIdentical(expected.Data, dense.Forward(x).Data, "frozen");
        KernelAssert.BitIdentical(expected.Data, dense.Forward(x).Data, "frozen, packed before");
        dense.Weight.Trainable = false;
        Scale(dense.Weight.Value.Data, 0.5f);
        dense.Weight.Trainable = true;
        var changed = dense.Forward(x).Clone();
        dense.Weight.Trainable = false;
        KernelAssert.BitIdentical(changed.Data, dense.Forward(x).Data, "frozen after a change");
    }

    private static void Scale(float[] data, float factor)
    {
        for (int i = 0; i < data.Length; i++) data[i] *= factor;
    }

    private static float[] Expected(Conv2d conv, Tensor x)
    {
        var g = conv.GeometryFor(x.Dim(0), x.Dim(2), x.Dim(3));
        var y = new float[g.OutputLength];
        // A fresh Winograd cache: the layer in evaluation mode keeps one, so shapes Winograd takes run it here too.
        Convolution.Forward(g, x.Data, conv.Weight.Value.Data, conv.Bias!.Value.Data, default, false, y, null, winograd: new WinogradWeights());
        return y;
    }
}
