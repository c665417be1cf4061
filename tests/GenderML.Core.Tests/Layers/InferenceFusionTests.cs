using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary>Evaluation-mode <see cref="Sequential"/> and <see cref="Residual"/>, whose neighbours are fused, against
/// the same layers run one at a time: bit for bit; and no backward after a fused separable convolution.</summary>
public sealed class InferenceFusionTests
{
    private static Tensor Input(int n, int c, int side, int seed)
    {
        var x = new Tensor(n, c, side, side);
        var random = new Random(seed);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.NextSingle() - 0.5f;
        return x;
    }

    /// <summary>The layers' plain forward passes, one at a time, shortcut added by hand.</summary>
    private static Tensor OneByOne(Layer layer, Tensor x) => layer switch
    {
        Sequential s => s.Layers.Aggregate(x, (t, l) => OneByOne(l, t).Clone()),
        Residual r => Add(OneByOne(r.Main, x), r.Shortcut is null ? x : OneByOne(r.Shortcut, x)),
        _ => layer.Forward(x).Clone(),
    };

    private static Tensor Add(Tensor a, Tensor b)
    {
        var sum = a.Clone();
        for (int i = 0; i < sum.Length; i++) sum.Data[i] = a.Data[i] + b.Data[i];
        return sum;
    }

    public static TheoryData<string> Chains() =>
        ["xception-main", "xception-reduction", "xception-reduction-wide", "reduction-conv-last", "reduction-wide-pool",
            "reduction-tail-relu", "identity-pool", "detector", "detector-pooled", "detector-bands", "conv-relu", "tail-relu"];

    private static Layer Build(string name, Random r) => name switch
    {
        // TinyXception's main block: x + sep(relu(sep(relu(sep(relu(x)))))).
        "xception-main" => new Residual(new Sequential(
            new ReLU(), new SeparableConv2d(8, 8, 3, r, 1, ConvPadding.Same),
            new ReLU(), new SeparableConv2d(8, 8, 3, r, 1, ConvPadding.Same),
            new ReLU(), new SeparableConv2d(8, 8, 3, r, 1, ConvPadding.Same))),
        // Its reduction block: maxpool(sep(relu(sep(relu(x))))) + conv1×1/2(x).
        "xception-reduction" => new Residual(new Sequential(
            new ReLU(), new SeparableConv2d(8, 12, 3, r, 1, ConvPadding.Same), new ReLU(),
            new SeparableConv2d(12, 12, 3, r, 1, ConvPadding.Same), new MaxPool2d(3, 2, ConvPadding.Same)),
            new Conv2d(8, 12, 1, r, 2, ConvPadding.Same)),
        // The same on 37×37: pooled rows of 19, a vector and a masked tail, the shortcut added in the pool's stores.
        "xception-reduction-wide" => new Residual(new Sequential(
            new SeparableConv2d(8, 12, 3, r, 1, ConvPadding.Same), new ReLU(),
            new SeparableConv2d(12, 12, 3, r, 1, ConvPadding.Same), new MaxPool2d(3, 2, ConvPadding.Same)),
            new Conv2d(8, 12, 1, r, 2, ConvPadding.Same)),
        // A convolution shortcut added by the main branch's last convolution.
        "reduction-conv-last" => new Residual(new Sequential(new ReLU(), new Conv2d(8, 12, 3, r, 2, ConvPadding.Same),
            new ReLU(), new SeparableConv2d(12, 12, 3, r, 1, ConvPadding.Same)), new Conv2d(8, 12, 1, r, 2, ConvPadding.Same)),
        // A pool the small-window kernel does not take: the shortcut added after it.
        "reduction-wide-pool" => new Residual(new Sequential(new SeparableConv2d(8, 12, 3, r, 1, ConvPadding.Same),
            new MaxPool2d(4, 4, ConvPadding.Valid)), new Conv2d(8, 12, 4, r, 4, ConvPadding.Valid)),
        // A main branch ending in a ReLU: the shortcut convolution adds it.
        "reduction-tail-relu" => new Residual(new Sequential(new SeparableConv2d(8, 12, 3, r, 2, ConvPadding.Same),
            new ReLU()), new Conv2d(8, 12, 1, r, 2, ConvPadding.Same)),
        // An identity shortcut around a stride-1 pool: added after the pool.
        "identity-pool" => new Residual(new Sequential(new SeparableConv2d(8, 8, 3, r, 1, ConvPadding.Same),
            new MaxPool2d(3, 1, ConvPadding.Same))),
        // The tiny detector: conv, leaky, pool, sep, leaky, pool (stride 1).
        "detector" => new Sequential(new Conv2d(8, 8, 3, r), new LeakyReLU(0.1f), new MaxPool2d(2, 2, ConvPadding.Same),
            new SeparableConv2d(8, 16, 3, r, 1, ConvPadding.Symmetric(1)), new LeakyReLU(0.1f),
            new MaxPool2d(2, 1, ConvPadding.Same)),
        // A separable convolution, leaky ReLU and 2×2/2 'same' pool (pooled band by band), on an odd size.
        "detector-pooled" => new Sequential(new ReLU(), new SeparableConv2d(8, 16, 3, r, 1, ConvPadding.Symmetric(1)),
            new LeakyReLU(0.1f), new MaxPool2d(2, 2, ConvPadding.Same)),
        // The same with 64 channels on 41×41: bands of 8 rows, the last one a single row.
        "detector-bands" => new Sequential(new Conv2d(8, 64, 1, r),
            new SeparableConv2d(64, 24, 3, r, 1, ConvPadding.Symmetric(1)), new LeakyReLU(0.1f),
            new MaxPool2d(2, 2, ConvPadding.Same)),
        "conv-relu" => new Sequential(new Conv2d(8, 16, 3, r, 2, ConvPadding.Same), new ReLU(), new Conv2d(16, 4, 1, r)),
        // A residual whose main branch ends in a ReLU: the add cannot go into the convolution.
        "tail-relu" => new Residual(new Sequential(new SeparableConv2d(8, 8, 3, r, 1, ConvPadding.Same), new ReLU())),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void EqualsTheLayersOneAtATime(string chain)
    {
        var layer = Build(chain, new Random(1));
        layer.SetTraining(false);
        var x = Input(2, 8, chain switch { "detector-bands" => 41, "xception-reduction-wide" => 37, _ => 11 }, 2);
        var expected = OneByOne(layer, x);
        var input = x.Clone();
        var fused = layer.Forward(x).Clone();
        Assert.Equal(expected.ShapeArray(), fused.ShapeArray());
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(expected.Data[i]), BitConverter.SingleToInt32Bits(fused.Data[i]));
        // Run again, the layers' buffers reused: the same result, the input untouched.
        var again = layer.Forward(x);
        Assert.Equal(fused.Data, again.Data);
        Assert.Equal(input.Data, x.Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FrozenPointwiseWeightsArePackedOnceAndRepackedAfterTraining(int threads)
    {
        var sep = new SeparableConv2d(8, 16, 3, new Random(1), 1, ConvPadding.Same);
        var chain = new Sequential(sep);
        chain.SetTraining(false);
        chain.SetCompute(new ComputeOptions { Threads = threads });
        var x = Input(1, 8, 9, 4);
        var trainable = chain.Forward(x).Clone();
        foreach (var p in chain.Parameters()) p.Trainable = false;
        Assert.Equal(trainable.Data, chain.Forward(x).Data);
        Assert.Equal(trainable.Data, chain.Forward(x).Data);
        // Made trainable and changed, the weights are read afresh.
        foreach (var p in chain.Parameters()) p.Trainable = true;
        sep.Pointwise.Weight.Value.Data[0] += 1f;
        var changed = chain.Forward(x);
        Assert.NotEqual(trainable.Data, changed.Data);
        Assert.Equal(sep.Forward(x).Data, changed.Data);
    }

    [Fact]
    public void NoBackwardAfterAPoolWithTheResidualAdded()
    {
        var pool = new MaxPool2d(3, 2, ConvPadding.Same);
        var block = new Residual(new Sequential(new SeparableConv2d(4, 4, 3, new Random(1), 1, ConvPadding.Same), pool),
            new Conv2d(4, 4, 1, new Random(2), 2, ConvPadding.Same));
        block.SetTraining(false);
        var y = block.Forward(Input(1, 4, 8, 3));
        Assert.Throws<InvalidOperationException>(() => pool.Backward(y));
    }

    [Fact]
    public void AShortcutShapedUnlikeThePooledBranchIsAClearError()
    {
        // The pool halves the map, the stride-1 shortcut does not: the pool's residual add refuses it, naming both.
        var block = new Residual(new Sequential(new SeparableConv2d(4, 4, 3, new Random(1), 1, ConvPadding.Same),
            new MaxPool2d(3, 2, ConvPadding.Same)), new Conv2d(4, 4, 1, new Random(2), 1, ConvPadding.Same));
        block.SetTraining(false);
        var e = Assert.Throws<ArgumentException>(() => block.Forward(Input(1, 4, 8, 3)));
        Assert.Contains("MaxPool2d: the residual", e.Message);
        Assert.Contains("1×4×4×4", e.Message);
    }

    [Fact]
    public void NoBackwardAfterAFusedSeparableConvolution()
    {
        var sep = new SeparableConv2d(4, 4, 3, new Random(1), 1, ConvPadding.Same);
        var chain = new Sequential(new ReLU(), sep);
        chain.SetTraining(false);
        var y = chain.Forward(Input(1, 4, 5, 3));
        Assert.Throws<InvalidOperationException>(() => sep.Backward(y));
        chain.SetTraining(true);
        chain.Backward(chain.Forward(Input(1, 4, 5, 3)));
    }
}
