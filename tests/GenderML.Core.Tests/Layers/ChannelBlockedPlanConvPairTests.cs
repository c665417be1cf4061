using GenderML.Core.Layers;
using GenderML.Core.Tests.Kernels;

namespace GenderML.Core.Tests.Layers;

/// <summary>
/// <see cref="ChannelBlockedPlan"/> on a face-ResNet-shaped network (a 7×7/2 stem with its max pool, residual blocks
/// of two 3×3 convolutions, downsampling ones with the pooled shortcut, down to a one-pixel branch): the network's own
/// output to rounding, for one image, a batch and a batch of two chunks, on one thread and two; the layers' outputs
/// it keeps handed to a tap; every batch size giving an image the same values. The blocks compute by the reference
/// kernel here (the layers' Winograd kernels round more).
/// </summary>
public sealed class ChannelBlockedPlanConvPairTests
{
    private const int Side = 62;

    private static Sequential Network(int seed)
    {
        var random = new Random(seed);
        // 62 → stem 28 → pool 13 → 13 → down 6 → 6 → down 3 (branch 2×2) → down 1 (a one-pixel map into conv2).
        var net = new Sequential(
            new Conv2d(3, 32, 7, random, 2, ConvPadding.Valid), new ReLU(), new MaxPool2d(3, 2, ConvPadding.Valid),
            new Block(32, 32, false, random), new Block(32, 64, true, random), new Block(64, 64, false, random),
            new Block(64, 128, true, random), new Block(128, 128, true, random));
        foreach (var p in net.Parameters())
        {
            var values = KernelAssert.Random(p.Value.Length, seed + p.Value.Length);
            for (int i = 0; i < values.Length; i++) values[i] *= 0.2f;
            values.CopyTo(p.Value.Data, 0);
            p.Trainable = false;
        }
        net.SetTraining(false);
        net.InputGradientNeeded = false;
        return net;
    }

    private static Tensor Input(int batch, int seed)
    {
        var x = new Tensor(batch, 3, Side, Side);
        KernelAssert.Random(x.Length, seed).CopyTo(x.Data, 0);
        return x;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(17, 1)]
    [InlineData(17, 2)]
    public void GivesTheNetworksOutput(int batch, int threads)
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        var net = Network(1);
        net.SetCompute(new ComputeOptions { Threads = threads });
        var plan = ChannelBlockedPlan.TryCreate(net, 3, Side, Side);
        Assert.NotNull(plan);
        Assert.True(plan.BatchedSteps > 0, "the test should reach the batched tail");
        var x = Input(batch, 2);
        float[] expected = net.Forward(x).Data.ToArray();
        var y = plan.Forward(x);
        Assert.Equal([batch, 128, 1, 1], y.Shape.ToArray());
        Close(expected, y.Data, $"batch {batch}, {threads} thread(s)");
        Close(expected, plan.Forward(x).Data, "second call");
    }

    [Fact]
    public void AnImagesValuesDoNotDependOnItsBatch()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        var net = Network(3);
        var plan = ChannelBlockedPlan.TryCreate(net, 3, Side, Side)!;
        var batch = Input(18, 4);
        float[] all = plan.Forward(batch).Data.ToArray();
        int per = all.Length / 18;
        foreach (int n in new[] { 0, 16, 17 })
        {
            var one = new Tensor(1, 3, Side, Side);
            batch.Data.AsSpan(n * one.Length, one.Length).CopyTo(one.Data);
            KernelAssert.BitIdentical(all.AsSpan(n * per, per), plan.Forward(one).Data, $"image {n}");
        }
    }

    [Fact]
    public void TapsGetTheKeptLayersOutputs()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        var net = Network(5);
        var plan = ChannelBlockedPlan.TryCreate(net, 3, Side, Side)!;
        // The stem's convolution and ReLU run in the pool's pass: no map of their own.
        Assert.False(plan.Keeps(0));
        Assert.False(plan.Keeps(1));
        int[] tapped = [2, 4, 6];
        Assert.All(tapped, l => Assert.True(plan.Keeps(l)));
        var x = Input(3, 6);
        var expected = new Dictionary<int, float[]>();
        var h = x;
        for (int i = 0; i < net.Layers.Count; i++)
        {
            h = net.Layers[i].Forward(h);
            if (tapped.Contains(i)) expected[i] = h.Data.ToArray();
        }
        var seen = new List<int>();
        plan.Forward(x, tapped, (layer, t) =>
        {
            seen.Add(layer);
            Close(expected[layer], t.Data, $"layer {layer}");
        });
        Assert.Equal(tapped, seen);
        Assert.Throws<ArgumentException>(() => plan.Forward(x, [1], (_, _) => { }));
    }

    /// <summary>Each value within 1e-5 of the largest expected value: the rounding of a sum in another order grows
    /// with the values from layer to layer.</summary>
    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = 0;
        foreach (float v in expected) scale = MathF.Max(scale, MathF.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            if (!(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale))
                Assert.Fail($"{what}: index {i}: expected {expected[i]}, got {actual[i]} (largest {scale})");
    }

    /// <summary>
    /// The block's semantics, from Core layers: <c>relu(conv2(relu(conv1(x))) + s(x))</c>, s the input or, downsampling,
    /// its 2×2/2 average pool with zero channels appended and the branch zero-padded bottom/right to its size.
    /// </summary>
    private sealed class Block : Layer, IConvPairBlock
    {
        private readonly Conv2d _conv1, _conv2;
        private readonly bool _down;
        private readonly int _in, _out;

        public Block(int inChannels, int outChannels, bool down, Random random)
        {
            (_in, _out, _down) = (inChannels, outChannels, down);
            _conv1 = AddChild("conv1", new Conv2d(inChannels, outChannels, 3, random, down ? 2 : 1,
                down ? ConvPadding.Valid : ConvPadding.Same));
            _conv2 = AddChild("conv2", new Conv2d(outChannels, outChannels, 3, random, 1, ConvPadding.Same));
        }

        public (Conv2d First, Conv2d Second)? Convolutions => (_conv1, _conv2);

        public bool Down => _down;

        public override Tensor Forward(Tensor input)
        {
            var a = Reference(_conv1, input);
            for (int i = 0; i < a.Length; i++) a.Data[i] = MathF.Max(a.Data[i], 0f);
            var branch = Reference(_conv2, a);
            var shortcut = _down ? new AvgPool2d(2, 2).Forward(input) : input;
            int n = input.Dim(0), h = shortcut.Dim(2), w = shortcut.Dim(3), bh = branch.Dim(2), bw = branch.Dim(3);
            var y = new Tensor(n, _out, h, w);
            for (int b = 0; b < n; b++)
            for (int c = 0; c < _out; c++)
            for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
            {
                float s = c < _in ? shortcut.Data[((b * _in + c) * h + i) * w + j] : 0f;
                float v = i < bh && j < bw ? branch.Data[((b * _out + c) * bh + i) * bw + j] : 0f;
                y.Data[((b * _out + c) * h + i) * w + j] = MathF.Max(s + v, 0f);
            }
            return y;
        }

        public override Tensor Backward(Tensor gradOutput) => throw new NotSupportedException();

        /// <summary>The convolution by the reference kernel (the dispatch's Winograd kernels round differently).
        /// </summary>
        private static Tensor Reference(Conv2d conv, Tensor x)
        {
            var g = conv.GeometryFor(x.Dim(0), x.Dim(2), x.Dim(3));
            var y = new Tensor(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
            GenderML.Core.Kernels.ConvolutionReference.Forward(g, x.Data, conv.Weight.Value.Data, conv.Bias!.Value.Data, y.Data);
            return y;
        }
    }
}
