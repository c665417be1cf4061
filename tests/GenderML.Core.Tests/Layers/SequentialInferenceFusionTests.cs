using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary>
/// <see cref="Sequential"/> in evaluation mode runs a <see cref="Conv2d"/> and the <see cref="ReLU"/> after it as one
/// fused pass: the same values, bit for bit, as the two layers one after the other; no backward pass after it; training
/// mode unchanged.
/// </summary>
public sealed class SequentialInferenceFusionTests
{
    private static Sequential Network() => new(
        new Conv2d(1, 8, 3, new Random(1), padding: ConvPadding.Symmetric(1)), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, new Random(2)), new ReLU(), new Flatten(), new Dense(16 * 2 * 2, 3, new Random(3)), new ReLU());

    [Fact]
    public void EvaluationModeFusesConvolutionAndRelu()
    {
        var x = new Tensor(2, 1, 8, 8);
        var random = new Random(4);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.NextSingle() - 0.5f;
        var net = Network();
        net.SetTraining(false);
        var fused = net.Forward(x).Clone();
        var step = x;
        foreach (var layer in net.Layers) step = layer.Forward(step);
        Assert.Equal(step.Data, fused.Data);
        net.Forward(x);
        Assert.Throws<InvalidOperationException>(() => net.Backward(fused));

        net.SetTraining(true);
        var trained = net.Forward(x);
        Assert.Equal(step.Data, trained.Data);
        net.Backward(trained);
    }
}
