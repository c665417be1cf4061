namespace GenderML.Core.Layers;

/// <summary>
/// Inverted dropout: in training, each value is kept with probability 1 − p and scaled by 1/(1 − p), else zeroed;
/// in evaluation, the identity. The mask comes from a generator seeded at construction.
/// </summary>
public sealed class Dropout : Layer
{
    private Random _random;
    private Tensor? _output, _gradInput;
    private float[]? _mask;
    private bool _active;

    /// <summary>Creates the layer dropping with probability <paramref name="p"/>, masks drawn from a generator seeded by <paramref name="seed"/>.</summary>
    public Dropout(float p, int seed)
    {
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1)");
        P = p;
        _random = new Random(seed);
    }

    /// <summary>Restarts the mask generator from <paramref name="seed"/> (a trainer does this each epoch, so a resumed run draws the same masks).</summary>
    public void Reseed(int seed) => _random = new Random(seed);

    /// <summary>The probability of dropping a value.</summary>
    public float P { get; }

    /// <summary>For gradient checks: keep the last mask instead of drawing a new one.</summary>
    internal bool FreezeMask { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        _active = Training && P > 0f;
        if (!_active) return input;
        var output = TensorBuffers.EnsureLike(ref _output, input);
        int n = input.Length;
        bool fresh = _mask is null || _mask.Length < n;
        var mask = TensorBuffers.EnsureArray(ref _mask, n);
        if (!FreezeMask || fresh)
        {
            float scale = 1f / (1f - P);
            for (int i = 0; i < n; i++) mask[i] = _random.NextSingle() >= P ? scale : 0f;
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(input.Data, mask.AsSpan(0, n), output.Data);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        if (!_active) return gradOutput;
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, gradOutput);
        System.Numerics.Tensors.TensorPrimitives.Multiply(gradOutput.Data, _mask.AsSpan(0, gradOutput.Length), gradInput.Data);
        return gradInput;
    }
}
