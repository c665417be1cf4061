using System.Numerics.Tensors;

namespace GenderML.Core.Layers;

/// <summary><c>y = 1 / (1 + e^(−x))</c>; <c>∂x = y (1 − y) ∂y</c>.</summary>
public sealed class Sigmoid : Activation
{
    private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    private protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++) dx[i] = y[i] * (1f - y[i]) * dy[i];
    }
}
