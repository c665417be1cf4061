using GenderML.Core.Layers;
using GenderML.Core.Tests.Kernels;

namespace GenderML.Core.Tests.Layers;

/// <summary><see cref="ChannelBlockedPlan"/>: a TinyXception-shaped network (stem, reduction blocks with 1×1/2
/// shortcuts and 3×3/2 pools, an identity-residual block, a last separable convolution and ReLU) gives the network's own
/// evaluation-mode output bit for bit, for one image and a batch, on one thread and two; networks it does not cover
/// get no plan.</summary>
public sealed class ChannelBlockedPlanTests
{
    private static Sequential Network(int seed)
    {
        var random = new Random(seed);
        var net = new Sequential(
            new Conv2d(3, 32, 3, random, 2, ConvPadding.Same), new ReLU(),
            new Residual(new Sequential(
                    new SeparableConv2d(32, 64, 3, random, 1, ConvPadding.Same), new ReLU(),
                    new SeparableConv2d(64, 64, 3, random, 1, ConvPadding.Same), new MaxPool2d(3, 2, ConvPadding.Same)),
                new Conv2d(32, 64, 1, random, 2, ConvPadding.Same)),
            new Residual(new Sequential(
                new ReLU(), new SeparableConv2d(64, 64, 3, random, 1, ConvPadding.Same),
                new ReLU(), new SeparableConv2d(64, 64, 3, random, 1, ConvPadding.Same),
                new ReLU(), new SeparableConv2d(64, 64, 3, random, 1, ConvPadding.Same))),
            new Residual(new Sequential(
                    new ReLU(), new SeparableConv2d(64, 128, 3, random, 1, ConvPadding.Same), new ReLU(),
                    new SeparableConv2d(128, 128, 3, random, 1, ConvPadding.Same), new MaxPool2d(3, 2, ConvPadding.Same)),
                new Conv2d(64, 128, 1, random, 2, ConvPadding.Same)),
            new SeparableConv2d(128, 64, 3, random, 1, ConvPadding.Same), new ReLU());
        // Biases too, so the epilogues are exercised.
        foreach (var p in net.Parameters())
        {
            var values = KernelAssert.Random(p.Value.Length, seed + p.Value.Length);
            values.CopyTo(p.Value.Data, 0);
            p.Trainable = false;
        }
        net.SetTraining(false);
        net.InputGradientNeeded = false;
        return net;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    public void GivesTheNetworksOutput(int batch, int threads)
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        var net = Network(1);
        net.SetCompute(new ComputeOptions { Threads = threads });
        var plan = ChannelBlockedPlan.TryCreate(net, 3, 26, 26);
        Assert.NotNull(plan);
        var x = new Tensor(batch, 3, 26, 26);
        KernelAssert.Random(x.Length, 2).CopyTo(x.Data, 0);
        float[] expected = net.Forward(x).Data.ToArray();
        var y = plan.Forward(x);
        Assert.Equal([batch, 64, 4, 4], y.Shape.ToArray());
        KernelAssert.BitIdentical(expected, y.Data, $"batch {batch}, {threads} thread(s)");
        // Again: the planned buffers are reused.
        KernelAssert.BitIdentical(expected, plan.Forward(x).Data, "second call");
        Assert.Throws<InvalidOperationException>(() => plan.Backward(y));
    }

    [Fact]
    public void AnotherInputSizeRunsTheNetworkItself()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        var net = Network(3);
        var plan = ChannelBlockedPlan.TryCreate(net, 3, 26, 26)!;
        var x = new Tensor(1, 3, 20, 20);
        KernelAssert.Random(x.Length, 4).CopyTo(x.Data, 0);
        float[] expected = net.Forward(x).Data.ToArray();
        KernelAssert.BitIdentical(expected, plan.Forward(x).Data, "20×20 input");
    }

    [Fact]
    public void NetworksItDoesNotCoverGetNoPlan()
    {
        var random = new Random(5);
        // A dense layer; output channels not a multiple of 64; a 5×5 separable convolution; a ReLU left dangling.
        Sequential[] others =
        [
            new(new Conv2d(3, 16, 3, random, 2, ConvPadding.Same), new ReLU(), new Flatten(), new Dense(16 * 13 * 13, 2, random)),
            new(new Conv2d(3, 16, 3, random, 2, ConvPadding.Same), new SeparableConv2d(16, 48, 3, random, 1, ConvPadding.Same)),
            new(new Conv2d(3, 16, 3, random, 2, ConvPadding.Same), new SeparableConv2d(16, 64, 5, random, 1, ConvPadding.Same)),
            new(new Conv2d(3, 16, 3, random, 2, ConvPadding.Same), new SeparableConv2d(16, 64, 3, random, 1, ConvPadding.Same), new ReLU(), new ReLU()),
        ];
        foreach (var net in others) Assert.Null(ChannelBlockedPlan.TryCreate(net, 3, 26, 26));
    }
}
