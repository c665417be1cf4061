namespace GenderML.Core.Layers;

/// <summary>An element-wise function <c>y = f(x)</c> on a tensor of any shape; backward is <c>∂x = f′(x) · ∂y</c>.</summary>
public abstract class Activation : Layer
{
    private const int Chunk = 16384;
    private readonly Ops.PartitionedLoop _loop = new();
    private readonly Action<int, int> _applyPart, _derivePart;
    private Tensor? _input, _output, _gradInput, _gradOutput;
    private Tensor? _passedThrough;
    private bool _derivedByPrevious;

    /// <summary>Creates the layer.</summary>
    protected Activation()
    {
        _applyPart = (start, end) =>
        {
            var (from, length) = Range(start, end, _input!.Length);
            Apply(_input.Data.AsSpan(from, length), _output!.Data.AsSpan(from, length));
        };
        _derivePart = (start, end) =>
        {
            var (from, length) = Range(start, end, _input!.Length);
            var output = _passedThrough ?? _output!;
            Derive(_input.Data.AsSpan(from, length), output.Data.AsSpan(from, length), _gradOutput!.Data.AsSpan(from, length), _gradInput!.Data.AsSpan(from, length));
        };
    }

    private static (int From, int Length) Range(int startChunk, int endChunk, int length)
    {
        int from = startChunk * Chunk;
        return (from, Math.Min(endChunk * Chunk, length) - from);
    }

    /// <inheritdoc/>
    public sealed override Tensor Forward(Tensor input)
    {
        _input = input;
        _passedThrough = null;
        _derivedByPrevious = false;
        var output = TensorBuffers.EnsureLike(ref _output, input);
        _loop.Run(_applyPart, (input.Length + Chunk - 1) / Chunk, Compute.Threads);
        return output;
    }

    /// <inheritdoc/>
    public sealed override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException($"{GetType().Name}.Backward before Forward");
        if (BackwardDoneByNext || _derivedByPrevious) return gradOutput;
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        _gradOutput = gradOutput;
        _loop.Run(_derivePart, (input.Length + Chunk - 1) / Chunk, Compute.Threads);
        _gradOutput = null;
        return gradInput;
    }

    /// <summary>
    /// Forward for an input that is this activation's output already (the layer before applied it in its own
    /// output pass, where the activation is idempotent): returns <paramref name="rectified"/> itself, and
    /// <see cref="Backward"/> derives from it.
    /// </summary>
    private protected Tensor PassThrough(Tensor rectified, bool derivedByPrevious = false)
    {
        _input = rectified;
        _passedThrough = rectified;
        _derivedByPrevious = derivedByPrevious;
        return rectified;
    }

    /// <summary>Set by the parent when the next layer's backward pass applies this activation's derivative too
    /// (<see cref="MaxPool2d"/> after a ReLU): <see cref="Backward"/> then returns its gradient unchanged.</summary>
    internal bool BackwardDoneByNext { get; set; }

    /// <summary>Writes <c>f(x)</c> into <paramref name="y"/>.</summary>
    private protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>Writes <c>f′(x) · dy</c> into <paramref name="dx"/>, given x and y = f(x).</summary>
    private protected abstract void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}
