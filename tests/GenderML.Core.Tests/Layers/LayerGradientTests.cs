using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary>Every layer's input and parameter gradients against finite differences (<see cref="GradCheck"/>).</summary>
public sealed class LayerGradientTests
{
    [Fact]
    public void Dense() => GradCheck.Check(new Dense(7, 5, new Random(1)), GradCheck.Uniform(2, 3, 7));

    [Fact]
    public void DenseWithoutBias() => GradCheck.Check(new Dense(4, 3, new Random(1), bias: false), GradCheck.Uniform(2, 2, 4));

    [Theory]
    [InlineData(3, 1, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(5, 3, 2)]
    public void Conv2dSymmetric(int kernel, int stride, int pad)
        => GradCheck.Check(new Conv2d(3, 4, kernel, new Random(1), stride, ConvPadding.Symmetric(pad)), GradCheck.Uniform(2, 2, 3, 7, 6));

    [Fact]
    public void Conv2dSameOddPadding()
        => GradCheck.Check(new Conv2d(2, 3, 3, new Random(1), 2, ConvPadding.Same), GradCheck.Uniform(2, 2, 2, 6, 6));

    [Fact]
    public void Conv2dDepthwise()
        => GradCheck.Check(new Conv2d(4, 4, 3, new Random(1), 1, ConvPadding.Symmetric(1), groups: 4), GradCheck.Uniform(2, 2, 4, 5, 5));

    [Fact]
    public void Conv2dGroups()
        => GradCheck.Check(new Conv2d(4, 6, 3, new Random(1), 1, ConvPadding.Valid, groups: 2, bias: false), GradCheck.Uniform(2, 1, 4, 5, 5));

    [Fact]
    public void SeparableConv2d()
        => GradCheck.Check(new SeparableConv2d(3, 5, 3, new Random(1), 1, ConvPadding.Same), GradCheck.Uniform(2, 2, 3, 5, 5));

    [Fact]
    public void BatchNorm2dTraining()
    {
        var bn = new BatchNorm2d(3);
        var random = new Random(3);
        for (int c = 0; c < 3; c++) { bn.Weight.Value.Data[c] = 0.5f + random.NextSingle(); bn.Bias.Value.Data[c] = random.NextSingle() - 0.5f; }
        GradCheck.Check(bn, GradCheck.Uniform(2, 4, 3, 3, 2), eps: 1e-2f);
    }

    [Fact]
    public void BatchNorm2dEval()
    {
        var bn = new BatchNorm2d(3);
        for (int c = 0; c < 3; c++) { bn.RunningMean.Value.Data[c] = 0.1f * c; bn.RunningVar.Value.Data[c] = 0.5f + c; bn.Weight.Value.Data[c] = 1.5f; }
        bn.SetTraining(false);
        GradCheck.Check(bn, GradCheck.Uniform(2, 2, 3, 3, 3));
    }

    [Fact]
    public void ChannelAffine()
    {
        var affine = new ChannelAffine(3);
        affine.Scale.Value.Data[1] = -2f; affine.Shift.Value.Data[2] = 0.5f;
        GradCheck.Check(affine, GradCheck.Uniform(2, 2, 3, 2, 3));
    }

    [Fact]
    public void ResidualIdentity()
        => GradCheck.Check(new Residual(new Conv2d(3, 3, 3, new Random(1), 1, ConvPadding.Same)),
            GradCheck.Uniform(2, 2, 3, 5, 5));

    [Fact]
    public void ResidualWithShortcut()
    {
        // TinyXception's reduction block: maxpool(sep(x)) + conv1×1/2(x), TensorFlow 'same' padding.
        var random = new Random(1);
        var main = new Sequential(new SeparableConv2d(2, 4, 3, random, 1, ConvPadding.Same),
            new MaxPool2d(3, 2, ConvPadding.Same));
        var shortcut = new Conv2d(2, 4, 1, random, 2, ConvPadding.Same);
        GradCheck.Check(new Residual(main, shortcut), GradCheck.Uniform(2, 2, 2, 5, 5), eps: 1e-3f);
    }

    [Fact]
    public void ReLU() => GradCheck.Check(new ReLU(), GradCheck.AwayFromZero(2, 3, 4, 5));

    [Fact]
    public void ReLU6()
    {
        var x = GradCheck.AwayFromZero(2, 3, 20);
        for (int i = 0; i < x.Length; i += 3) x.Data[i] = 6f + x.Data[i];   // some above 6, none near it
        GradCheck.Check(new ReLU6(), x);
    }

    [Fact]
    public void LeakyReLU() => GradCheck.Check(new LeakyReLU(0.1f), GradCheck.AwayFromZero(2, 3, 4, 5));

    [Fact]
    public void Sigmoid() => GradCheck.Check(new Sigmoid(), GradCheck.Uniform(2, 4, 6));

    [Fact]
    public void Softmax() => GradCheck.Check(new Softmax(), GradCheck.Uniform(2, 4, 6));

    [Fact]
    public void MaxPool2x2() => GradCheck.Check(new MaxPool2d(2), GradCheck.Distinct(2, 2, 3, 6, 7));

    [Fact]
    public void MaxPool3x3Stride2Padded() => GradCheck.Check(new MaxPool2d(3, 2, ConvPadding.Symmetric(1)), GradCheck.Distinct(2, 2, 2, 7, 6));

    [Fact]
    public void MaxPoolSame() => GradCheck.Check(new MaxPool2d(2, 2, ConvPadding.Same), GradCheck.Distinct(2, 1, 2, 5, 5));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AvgPool3x3Padded(bool countIncludePad)
        => GradCheck.Check(new AvgPool2d(3, 2, ConvPadding.Symmetric(1), countIncludePad), GradCheck.Uniform(2, 2, 2, 7, 6));

    [Fact]
    public void GlobalAvgPool() => GradCheck.Check(new GlobalAvgPool(), GradCheck.Uniform(2, 2, 3, 4, 5));

    [Fact]
    public void Flatten() => GradCheck.Check(new Sequential(new Flatten(), new Dense(24, 3, new Random(1))), GradCheck.Uniform(2, 2, 2, 3, 4));

    [Fact]
    public void DropoutWithFrozenMask()
        => GradCheck.Check(new Dropout(0.4f, seed: 5) { FreezeMask = true }, GradCheck.Uniform(2, 3, 30));

    [Fact]
    public void BasicBlockIdentity()
        => GradCheck.Check(new BasicBlock(3, 3, new Random(1)), GradCheck.Uniform(2, 2, 3, 5, 5), eps: 1e-3f, rtol: 5e-2, atol: 5e-3, maxFailures: 2);

    [Fact]
    public void BasicBlockProjection()
        => GradCheck.Check(new BasicBlock(2, 4, new Random(1), stride: 2), GradCheck.Uniform(2, 2, 2, 6, 6), eps: 1e-3f, rtol: 5e-2, atol: 5e-3, maxFailures: 2);

    [Fact]
    public void Gru() => GradCheck.Check(new Gru(5, 4, new Random(1)), GradCheck.Uniform(2, 3, 6, 5));

    [Fact]
    public void SmallCnn()
        => GradCheck.Check(new Sequential(
            new Conv2d(1, 3, 3, new Random(1), padding: ConvPadding.Symmetric(1)), new Sigmoid(), new AvgPool2d(2),
            new Flatten(), new Dense(3 * 3 * 3, 2, new Random(2))), GradCheck.Uniform(3, 2, 1, 6, 6));
}
