namespace GenderML.Core.Layers;

/// <summary><c>y = min(max(x, 0), 6)</c>; the gradient is 1 strictly inside (0, 6), else 0.</summary>
public sealed class ReLU6 : Activation
{
    private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => Ops.Elementwise.Relu6(x, y);

    private protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0f && x[i] < 6f ? dy[i] : 0f;
    }
}
