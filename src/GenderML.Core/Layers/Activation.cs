namespace GenderML.Core.Layers;

/// <summary>An element-wise function <c>y = f(x)</c> on a tensor of any shape; backward is <c>∂x = f′(x) · ∂y</c>.</summary>
public abstract class Activation : Layer
{
    private Tensor? _input, _output, _gradInput;

    /// <inheritdoc/>
    public sealed override Tensor Forward(Tensor input)
    {
        _input = input;
        var output = TensorBuffers.EnsureLike(ref _output, input);
        Apply(input.Data, output.Data);
        return output;
    }

    /// <inheritdoc/>
    public sealed override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException($"{GetType().Name}.Backward before Forward");
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        Derive(input.Data, _output!.Data, gradOutput.Data, gradInput.Data);
        return gradInput;
    }

    /// <summary>Writes <c>f(x)</c> into <paramref name="y"/>.</summary>
    private protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>Writes <c>f′(x) · dy</c> into <paramref name="dx"/>, given x and y = f(x).</summary>
    private protected abstract void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}
