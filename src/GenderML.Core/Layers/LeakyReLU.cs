namespace GenderML.Core.Layers;

/// <summary><c>y = x</c> for x &gt; 0, else <c>slope · x</c> (PyTorch's default slope 0.01).</summary>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Activation
{
    /// <summary>The slope for negative inputs.</summary>
    public float NegativeSlope { get; } = negativeSlope;

    private protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
        => Ops.Elementwise.LeakyRelu(x, NegativeSlope, y);

    private protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0f ? dy[i] : NegativeSlope * dy[i];
    }
}
