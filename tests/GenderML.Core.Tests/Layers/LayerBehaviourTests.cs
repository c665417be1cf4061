using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary>What the layers do beyond their gradients: names, padding arithmetic, modes, statistics.</summary>
public sealed class LayerBehaviourTests
{
    [Fact]
    public void CompositeNamesPrefixChildren()
    {
        var net = new Sequential(new Conv2d(1, 2, 3, new Random(1)), new BatchNorm2d(2), new Sequential(new Dense(2, 2, new Random(1))));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.0.weight", "2.0.bias"], net.Parameters().Select(p => p.Name));
        Assert.Equal(["1.running_mean", "1.running_var"], net.Buffers().Select(p => p.Name));
        var block = new BasicBlock(2, 4, new Random(1), stride: 2);
        var outer = new Sequential(block);
        Assert.Contains("0.downsample.0.weight", outer.Parameters().Select(p => p.Name));
        Assert.Contains("0.bn2.running_var", outer.Buffers().Select(p => p.Name));
    }

    [Theory]
    [InlineData(6, 3, 2, 3, 0, 1)]   // total 1: odd pixel goes bottom/right
    [InlineData(5, 3, 2, 3, 1, 1)]
    [InlineData(5, 3, 1, 5, 1, 1)]
    [InlineData(4, 1, 2, 2, 0, 0)]
    [InlineData(7, 4, 1, 7, 1, 2)]
    [InlineData(112, 3, 2, 56, 0, 1)] // stride 2 on an even input: the only padding is bottom/right (TinyXception)
    [InlineData(56, 1, 2, 28, 0, 0)]  // 1×1 stride 2: no padding, samples pixels 0, 2, 4, …
    [InlineData(13, 2, 1, 13, 0, 1)]  // the tiny face detector's last max-pool
    public void SamePaddingMatchesTensorFlow(int size, int kernel, int stride, int outSize, int before, int after)
    {
        var conv = new Conv2d(1, 1, kernel, new Random(1), stride, ConvPadding.Same);
        var g = conv.GeometryFor(1, size, size);
        Assert.Equal(outSize, g.OutHeight);
        Assert.Equal((before, after), (g.PadTop, g.PadBottom));
        Assert.Equal((before, after), (g.PadLeft, g.PadRight));
    }

    [Theory]
    [InlineData(150, 7, 2, 72)] // the face ResNet's stem
    [InlineData(72, 3, 2, 35)]
    [InlineData(8, 3, 2, 3)]
    public void ValidPaddingMatchesTensorFlow(int size, int kernel, int stride, int outSize)
    {
        var conv = new Conv2d(1, 1, kernel, new Random(1), stride, ConvPadding.Valid);
        Assert.Equal(outSize, conv.GeometryFor(1, size, size).OutHeight);
    }

    [Fact]
    public void MaxPoolSamePaddingNeverWins()
    {
        var pool = new MaxPool2d(3, 2, ConvPadding.Same);
        Assert.Equal([-5f], pool.Forward(new Tensor([1, 1, 2, 2], [-5, -6, -7, -8])).Data); // zero padding would give 0
    }

    [Fact]
    public void ValidAndSymmetricOutputSizes()
    {
        var x = new Tensor(2, 1, 9, 9);
        Assert.True(new Conv2d(1, 1, 3, new Random(1)).Forward(x).HasShape(2, 1, 7, 7));
        Assert.True(new Conv2d(1, 1, 3, new Random(1), 2, ConvPadding.Symmetric(1)).Forward(x).HasShape(2, 1, 5, 5));
    }

    [Fact]
    public void MaxPoolPaddingNeverWins()
    {
        var x = new Tensor(1, 1, 4, 4);
        x.AsSpan().Fill(-5f);
        var y = new MaxPool2d(3, 2, ConvPadding.Symmetric(1)).Forward(x);
        Assert.All(y.Data, v => Assert.Equal(-5f, v));
    }

    [Fact]
    public void BatchNormTracksRunningStatisticsLikePyTorch()
    {
        var bn = new BatchNorm2d(1, momentum: 0.1f);
        var x = new Tensor([2, 1, 1, 2], [1f, 2f, 3f, 6f]);   // mean 3, biased var 3.5, unbiased 14/3
        var y = bn.Forward(x);
        Assert.Equal(0.3f, bn.RunningMean.Value.Data[0], 6);
        Assert.Equal(0.9f + 0.1f * 14f / 3f, bn.RunningVar.Value.Data[0], 6);
        Assert.Equal((1f - 3f) / MathF.Sqrt(3.5f + 1e-5f), y.Data[0], 5);
        bn.SetTraining(false);
        var e = bn.Forward(x);
        Assert.Equal((1f - 0.3f) / MathF.Sqrt(bn.RunningVar.Value.Data[0] + 1e-5f), e.Data[0], 5);
    }

    [Fact]
    public void FoldedBatchNormEqualsEvalBatchNorm()
    {
        var bn = new BatchNorm2d(3);
        bn.Forward(GradCheck.Uniform(1, 4, 3, 2, 2));
        bn.Weight.Value.Data[1] = 2f; bn.Bias.Value.Data[2] = -1f;
        bn.SetTraining(false);
        var x = GradCheck.Uniform(2, 2, 3, 2, 2);
        var expected = bn.Forward(x).Clone();
        var actual = ChannelAffine.FromBatchNorm(bn).Forward(x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(expected.Data[i], actual.Data[i], 5);
    }

    [Fact]
    public void DropoutIsSeededInvertedAndOffInEval()
    {
        var x = new Tensor(1, 10000);
        x.AsSpan().Fill(1f);
        var a = new Dropout(0.25f, seed: 9).Forward(x).Clone();
        var b = new Dropout(0.25f, seed: 9).Forward(x).Clone();
        Assert.Equal(a.Data, b.Data);
        Assert.All(a.Data, v => Assert.True(v == 0f || Math.Abs(v - 4f / 3f) < 1e-6));
        double kept = a.Data.Count(v => v != 0f) / 10000.0;
        Assert.InRange(kept, 0.73, 0.77);
        var d = new Dropout(0.25f, seed: 9);
        d.SetTraining(false);
        Assert.Same(x, d.Forward(x));
    }

    [Fact]
    public void ForwardReusesItsBuffersUntilTheBatchSizeChanges()
    {
        var net = new Sequential(new Dense(4, 3, new Random(1)), new ReLU());
        var first = net.Forward(new Tensor(2, 4));
        Assert.Same(first, net.Forward(new Tensor(2, 4)));
        Assert.NotSame(first, net.Forward(new Tensor(5, 4)));
    }

    [Fact]
    public void InitialisationIsSeededAndBoundedLikePyTorch()
    {
        var a = new Conv2d(3, 8, 3, new Random(7));
        var b = new Conv2d(3, 8, 3, new Random(7));
        Assert.Equal(a.Weight.Value.Data, b.Weight.Value.Data);
        float bound = 1f / MathF.Sqrt(27);
        Assert.All(a.Weight.Value.Data, v => Assert.InRange(v, -bound, bound));
        Assert.True(a.Weight.Value.Data.Max() > 0.8f * bound);
    }

    [Fact]
    public void WrongShapesNameTheLayer()
    {
        var net = new Sequential(new Dense(4, 3, new Random(1)));
        var e = Assert.Throws<ArgumentException>(() => net.Forward(new Tensor(2, 5)));
        Assert.Contains("0: expects 4 features", e.Message);
    }
}
