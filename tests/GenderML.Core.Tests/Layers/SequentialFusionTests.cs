using GenderML.Core.Kernels;
using GenderML.Core.Tests.Kernels;
using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary>
/// <see cref="Sequential"/>'s fusions of neighbouring layers (a ReLU in the convolution's output pass, a ReLU's
/// derivative in the max pool's backward pass) give the bits of the layers run one by one, forward and backward,
/// and keep the network's gradients right.
/// </summary>
public sealed class SequentialFusionTests
{
    private static Sequential Net(int seed)
    {
        var random = new Random(seed);
        return new Sequential(
            new Conv2d(1, 8, 3, random), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, random, padding: ConvPadding.Symmetric(1)), new ReLU(), new MaxPool2d(2),
            new Conv2d(16, 8, 3, random, padding: ConvPadding.Symmetric(1)), new ReLU(),
            new Flatten(), new Dense(8 * 5 * 5, 6, random), new ReLU(), new Dense(6, 1, random));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FusedStepEqualsTheLayersOneByOne(int threads)
    {
        var fused = Net(3);
        var plain = Net(3);
        fused.SetCompute(new ComputeOptions { Threads = threads });
        plain.SetCompute(new ComputeOptions { Threads = threads });
        var x = GradCheck.Uniform(4, 3, 1, 22, 22);
        var dy = GradCheck.Uniform(5, 3, 1);
        for (int round = 0; round < 2; round++) // twice: the flags and buffers of the first step must not leak into the second
        {
            fused.ZeroGradients();
            plain.ZeroGradients();
            var yFused = fused.Forward(x).Clone();
            var t = x;
            foreach (var layer in plain.Layers) t = layer.Forward(t);
            KernelAssert.BitIdentical(t.Data, yFused.Data, "output");
            var dxFused = fused.Backward(dy).Clone();
            var g = dy;
            for (int i = plain.Layers.Count - 1; i >= 0; i--) g = plain.Layers[i].Backward(g);
            KernelAssert.BitIdentical(g.Data, dxFused.Data, "input gradient");
            var pf = fused.Parameters();
            var pp = plain.Parameters();
            for (int k = 0; k < pf.Count; k++)
                KernelAssert.BitIdentical(pp[k].Gradient.Data, pf[k].Gradient.Data, pf[k].Name);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FirstConvolutionTakesItsWeightGradientThroughThePool(int threads)
    {
        // cnn2's first layers: no input gradient, so the convolution, ReLU and pool run backward as one pass.
        Sequential Small(int seed)
        {
            var random = new Random(seed);
            return new Sequential(new Conv2d(1, 8, 3, random), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Dense(8 * 24 * 24, 1, random));
        }
        var fused = Small(5);
        var plain = Small(5);
        fused.InputGradientNeeded = false;
        plain.Layers[0].InputGradientNeeded = false;
        fused.SetCompute(new ComputeOptions { Threads = threads });
        plain.SetCompute(new ComputeOptions { Threads = threads });
        var x = GradCheck.Uniform(6, 9, 1, 50, 50);
        var dy = GradCheck.Uniform(7, 9, 1);
        for (int round = 0; round < 2; round++)
        {
            fused.ZeroGradients();
            plain.ZeroGradients();
            var yFused = fused.Forward(x).Clone();
            Assert.True(((Conv2d)fused.Layers[0]).CanBackwardThroughPool((MaxPool2d)fused.Layers[2]));
            Assert.True(((MaxPool2d)fused.Layers[2]).RoutesPooledBy((Conv2d)fused.Layers[0]));
            var t = x;
            foreach (var layer in plain.Layers) t = layer.Forward(t);
            KernelAssert.BitIdentical(t.Data, yFused.Data, "output"); // the forward pass fused too (conv → ReLU → pool)
            var dxFused = fused.Backward(dy);
            Assert.All(dxFused.Data, v => Assert.Equal(0f, v));
            var g = dy;
            for (int i = plain.Layers.Count - 1; i >= 0; i--) g = plain.Layers[i].Backward(g);
            var pf = fused.Parameters();
            var pp = plain.Parameters();
            // One input channel, 3×3, on AVX-512: SingleChannelPooledWeightGradient sums the first layer's gradients
            // in another order than the layer alone (the same sums); everything else bit for bit.
            bool reordered = SingleChannelPooledWeightGradient.Handles(new ConvGeometry(9, 1, 50, 50, 8, 3, 3));
            for (int k = 0; k < pf.Count; k++)
                if (reordered && k < 2) KernelAssert.Close(pp[k].Gradient.Data, pf[k].Gradient.Data, 1e-4f, pf[k].Name);
                else KernelAssert.BitIdentical(pp[k].Gradient.Data, pf[k].Gradient.Data, pf[k].Name);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PoolAloneRoutesFromTheIndicesOfAFusedForwardPass(int threads)
    {
        // After the training forward pass ran conv → ReLU → pool as one, the pool's own Backward (from the indices of
        // the window maxima) and the convolution's give the bits of the layers one by one.
        Sequential Small(int seed)
        {
            var random = new Random(seed);
            return new Sequential(new Conv2d(1, 8, 3, random, padding: ConvPadding.Symmetric(1)), new ReLU(), new MaxPool2d(2));
        }
        var fused = Small(11);
        var plain = Small(11);
        fused.InputGradientNeeded = false;
        plain.Layers[0].InputGradientNeeded = false;
        fused.SetCompute(new ComputeOptions { Threads = threads });
        plain.SetCompute(new ComputeOptions { Threads = threads });
        var x = GradCheck.Uniform(12, 5, 1, 50, 46);
        var dy = GradCheck.Uniform(13, 5, 8, 25, 23);
        fused.ZeroGradients();
        plain.ZeroGradients();
        KernelAssert.BitIdentical(plain.Layers[2].Forward(plain.Layers[1].Forward(plain.Layers[0].Forward(x))).Data, fused.Forward(x).Data, "output");
        Assert.True(((MaxPool2d)fused.Layers[2]).RoutesPooledBy((Conv2d)fused.Layers[0]));
        var gPlain = plain.Layers[2].Backward(dy);
        gPlain = plain.Layers[0].Backward(plain.Layers[1].Backward(gPlain));
        var gFused = fused.Layers[2].Backward(dy);
        fused.Layers[0].Backward(gFused); // the pool applied the ReLU's derivative; the ReLU never ran
        var pf = fused.Parameters();
        var pp = plain.Parameters();
        for (int k = 0; k < pf.Count; k++)
            KernelAssert.BitIdentical(pp[k].Gradient.Data, pf[k].Gradient.Data, pf[k].Name);
    }

    [Fact]
    public void FusedNetworkPassesTheGradientCheck()
        => GradCheck.Check(Net(7), GradCheck.AwayFromZero(8, 2, 1, 22, 22), eps: 1e-3f, maxFailures: 2);

    [Fact]
    public void DropoutMaskKeepsTheRateAndTheSeed()
    {
        var a = new float[100_001];
        var b = new float[100_001];
        Dropout.FillMask(a, 0.3f, 2f, 12345);
        Dropout.FillMask(b, 0.3f, 2f, 12345);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(a.Count(v => v != 0f) / (double)a.Length, 0.695, 0.705);
        Dropout.FillMask(b, 0.3f, 2f, 12346);
        Assert.NotEqual(a, b);
    }
}
