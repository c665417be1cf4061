using System.Numerics.Tensors;
using GenderML.Core.Layers;
using GenderML.Core.Tests.Kernels;

namespace GenderML.Core.Tests.Layers;

/// <summary>
/// The ReLU and the residual add folded into <see cref="BatchNorm2d"/>'s passes (<see cref="BatchNorm2d.ForwardRelu"/>,
/// <see cref="BatchNorm2d.ForwardAddRelu"/>, in <see cref="BasicBlock"/> and in <see cref="Sequential"/>'s
/// conv → batch norm → ReLU) give the bits of the layers run one by one: outputs, input and parameter gradients, running
/// statistics, in training and evaluation mode.
/// </summary>
public sealed class BatchNormFusionTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // batch, channels, height, width, threads: planes of 1, 63 (a vector's tail), 64, 17 values, and planes past
        // the size whose ReLU derivative is taken plane by plane in the sums' pass
        { 2, 3, 1, 1, 1 }, { 3, 5, 7, 9, 1 }, { 2, 4, 8, 8, 2 }, { 4, 6, 1, 17, 2 }, { 3, 5, 7, 9, 2 },
        { 2, 3, 32, 33, 1 }, { 3, 4, 33, 35, 2 },
    };

    private static BatchNorm2d Norm(int channels, int seed, int threads, bool training)
    {
        var bn = new BatchNorm2d(channels);
        var r = new Random(seed);
        for (int c = 0; c < channels; c++)
        {
            bn.Weight.Value.Data[c] = r.NextSingle() * 2 - 0.5f; // some γ negative
            bn.Bias.Value.Data[c] = r.NextSingle() - 0.5f;
            bn.RunningMean.Value.Data[c] = r.NextSingle() - 0.5f;
            bn.RunningVar.Value.Data[c] = 0.5f + r.NextSingle();
        }
        bn.SetCompute(new ComputeOptions { Threads = threads });
        bn.SetTraining(training);
        return bn;
    }

    private static void SameState(BatchNorm2d expected, BatchNorm2d actual)
    {
        KernelAssert.BitIdentical(expected.Weight.Gradient.Data, actual.Weight.Gradient.Data, "∂γ");
        KernelAssert.BitIdentical(expected.Bias.Gradient.Data, actual.Bias.Gradient.Data, "∂β");
        KernelAssert.BitIdentical(expected.RunningMean.Value.Data, actual.RunningMean.Value.Data, "running mean");
        KernelAssert.BitIdentical(expected.RunningVar.Value.Data, actual.RunningVar.Value.Data, "running variance");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ReluInTheOutputPassEqualsBatchNormThenReLU(int n, int c, int h, int w, int threads)
    {
        foreach (bool training in new[] { true, false })
        {
            var fused = Norm(c, 1, threads, training);
            var plain = Norm(c, 1, threads, training);
            var relu = new ReLU();
            for (int round = 0; round < 2; round++)
            {
                var x = GradCheck.Uniform(10 + round, n, c, h, w);
                var dy = GradCheck.Uniform(20 + round, n, c, h, w);
                var y = fused.ForwardRelu(x).Clone();
                var yPlain = relu.Forward(plain.Forward(x));
                KernelAssert.BitIdentical(yPlain.Data, y.Data, "output");
                var dx = fused.Backward(dy).Clone();
                var dxPlain = plain.Backward(relu.Backward(dy));
                KernelAssert.BitIdentical(dxPlain.Data, dx.Data, "input gradient");
                SameState(plain, fused);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AddAndReluInTheOutputPassEqualTheThreePasses(int n, int c, int h, int w, int threads)
    {
        foreach (bool training in new[] { true, false })
        {
            var fused = Norm(c, 2, threads, training);
            var plain = Norm(c, 2, threads, training);
            for (int round = 0; round < 2; round++)
            {
                var x = GradCheck.Uniform(30 + round, n, c, h, w);
                var residual = GradCheck.Uniform(40 + round, n, c, h, w);
                var dy = GradCheck.Uniform(50 + round, n, c, h, w);
                var y = fused.ForwardAddRelu(x, residual).Clone();
                var sum = plain.Forward(x).Clone();
                TensorPrimitives.Add(sum.Data, residual.Data, sum.Data);
                TensorPrimitives.Max(sum.Data, 0f, sum.Data);
                KernelAssert.BitIdentical(sum.Data, y.Data, "output");
                var dx = fused.Backward(dy).Clone();
                var g = new float[dy.Length];
                for (int i = 0; i < g.Length; i++) g[i] = sum.Data[i] > 0 ? dy.Data[i] : 0f;
                var dxPlain = plain.Backward(new Tensor(x.ShapeArray(), g));
                KernelAssert.BitIdentical(dxPlain.Data, dx.Data, "input gradient");
                KernelAssert.BitIdentical(g, fused.ResidualGradient.Data, "residual gradient");
                SameState(plain, fused);
            }
        }
    }

    [Fact]
    public void AddReluRejectsAResidualOfAnotherShape()
    {
        var bn = new BatchNorm2d(3);
        var e = Assert.Throws<ArgumentException>(() => bn.ForwardAddRelu(new Tensor(2, 3, 4, 4), new Tensor(2, 3, 4, 5)));
        Assert.Contains("residual shapes differ", e.Message);
    }

    /// <summary>The block computed from its parts one layer at a time, with a separate add and ReLUs.</summary>
    private static (Tensor Output, Func<Tensor, Tensor> Backward) PlainBlock(BasicBlock block, Tensor x)
    {
        var (conv1, bn1, conv2, bn2, down) = block.Parts;
        var relu1 = new ReLU();
        var main = bn2.Forward(conv2.Forward(relu1.Forward(bn1.Forward(conv1.Forward(x)))));
        var shortcut = down is null ? x : down.Layers[1].Forward(down.Layers[0].Forward(x));
        var y = main.Clone();
        TensorPrimitives.Add(y.Data, shortcut.Data, y.Data);
        TensorPrimitives.Max(y.Data, 0f, y.Data);
        return (y, dy =>
        {
            var g = new Tensor(dy.ShapeArray());
            for (int i = 0; i < g.Length; i++) g.Data[i] = y.Data[i] > 0 ? dy.Data[i] : 0f;
            var gMain = conv1.Backward(bn1.Backward(relu1.Backward(conv2.Backward(bn2.Backward(g))))).Clone();
            var gShort = down is null ? g : down.Layers[0].Backward(down.Layers[1].Backward(g));
            TensorPrimitives.Add(gMain.Data, gShort.Data, gMain.Data);
            return gMain;
        });
    }

    [Theory]
    [InlineData(4, 4, 1, 1)]
    [InlineData(4, 6, 2, 1)]
    [InlineData(3, 3, 1, 2)]
    [InlineData(4, 8, 2, 2)]
    public void BasicBlockEqualsItsLayersOneByOne(int inChannels, int outChannels, int stride, int threads)
    {
        foreach (bool training in new[] { true, false })
        {
            var fused = new BasicBlock(inChannels, outChannels, new Random(5), stride);
            var plain = new BasicBlock(inChannels, outChannels, new Random(5), stride);
            foreach (var b in new[] { fused, plain })
            {
                b.SetCompute(new ComputeOptions { Threads = threads });
                b.SetTraining(training);
            }
            for (int round = 0; round < 2; round++)
            {
                fused.ZeroGradients();
                plain.ZeroGradients();
                var x = GradCheck.Uniform(60 + round, 3, inChannels, 9, 11);
                var y = fused.Forward(x).Clone();
                var (yPlain, backward) = PlainBlock(plain, x);
                KernelAssert.BitIdentical(yPlain.Data, y.Data, "output");
                if (!training && fused.HasProjection) continue; // the projection's Sequential has no backward after evaluation
                var dy = GradCheck.Uniform(70 + round, y.ShapeArray());
                var dx = fused.Backward(dy).Clone();
                KernelAssert.BitIdentical(backward(dy).Data, dx.Data, "input gradient");
                var sf = fused.State();
                var sp = plain.State();
                for (int k = 0; k < sf.Count; k++)
                {
                    KernelAssert.BitIdentical(sp[k].Value.Data, sf[k].Value.Data, sf[k].Name);
                    KernelAssert.BitIdentical(sp[k].Gradient.Data, sf[k].Gradient.Data, sf[k].Name + " gradient");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SequentialConvBatchNormReluEqualsTheLayersOneByOne(int threads)
    {
        Sequential Net() => new(
            new Conv2d(3, 6, 3, new Random(7), padding: ConvPadding.Symmetric(1), bias: false), new BatchNorm2d(6), new ReLU(),
            new BasicBlock(6, 6, new Random(8)), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2),
            new GlobalAvgPool(), new Dense(6, 1, new Random(9)));
        var fused = Net();
        var plain = Net();
        fused.SetCompute(new ComputeOptions { Threads = threads });
        plain.SetCompute(new ComputeOptions { Threads = threads });
        for (int round = 0; round < 2; round++)
        {
            fused.ZeroGradients();
            plain.ZeroGradients();
            var x = GradCheck.Uniform(80 + round, 4, 3, 10, 10);
            var y = fused.Forward(x).Clone();
            var t = x;
            foreach (var layer in plain.Layers) t = layer.Forward(t);
            KernelAssert.BitIdentical(t.Data, y.Data, "output");
            var dy = GradCheck.Uniform(90 + round, 4, 1);
            var dx = fused.Backward(dy).Clone();
            var g = dy;
            for (int i = plain.Layers.Count - 1; i >= 0; i--) g = plain.Layers[i].Backward(g);
            KernelAssert.BitIdentical(g.Data, dx.Data, "input gradient");
            var sf = fused.State();
            var sp = plain.State();
            for (int k = 0; k < sf.Count; k++)
            {
                KernelAssert.BitIdentical(sp[k].Value.Data, sf[k].Value.Data, sf[k].Name);
                KernelAssert.BitIdentical(sp[k].Gradient.Data, sf[k].Gradient.Data, sf[k].Name + " gradient");
            }
        }
    }
}
