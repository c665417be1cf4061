using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary><see cref="Conv2d.ForwardFused"/>: the plain forward followed by the residual add and the ReLU, bit for
/// bit; its arguments checked; no backward after it.</summary>
public sealed class Conv2dFusedTests
{
    [Theory]
    [InlineData(3, 16, 9, 3, 1)]    // few channels, stride 1: the direct kernel
    [InlineData(2, 8, 9, 3, 2)]     // stride 2: the direct kernel's space-to-depth path
    [InlineData(2, 80, 6, 3, 1)]    // many channels: the GEMM with the epilogue in its register blocks
    public void EqualsForwardThenResidualThenRelu(int batch, int channels, int side, int kernel, int stride)
    {
        var conv = new Conv2d(channels, 24, kernel, new Random(1), stride, ConvPadding.Symmetric(1));
        var x = new Tensor(batch, channels, side, side);
        var random = new Random(2);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.NextSingle() - 0.5f;
        var plain = conv.Forward(x).Clone();
        var residual = new Tensor(plain.ShapeArray());
        for (int i = 0; i < residual.Length; i++) residual.Data[i] = random.NextSingle() - 0.5f;
        var fused = conv.ForwardFused(x, residual, relu: true);
        for (int i = 0; i < plain.Length; i++)
            Assert.Equal(MathF.Max(plain.Data[i] + residual.Data[i], 0f), fused.Data[i]);
        Assert.Throws<InvalidOperationException>(() => conv.Backward(fused));
        Assert.Throws<ArgumentException>(() => conv.ForwardFused(x, new Tensor(1, 24, 2, 2), relu: false));
    }
}
