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
            FillMask(mask.AsSpan(0, n), P, 1f / (1f - P), (ulong)_random.NextInt64());
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(input.Data, mask.AsSpan(0, n), output.Data);
        return output;
    }

    /// <summary>
    /// <c>mask[i] = u_i ≥ p ? scale : 0</c> with u_i uniform on [0, 1) in steps of 2⁻²⁴: two per output of a
    /// SplitMix64 stream started at <paramref name="seed"/> (one draw of the layer's generator per pass, rather than
    /// one per element).
    /// </summary>
    internal static void FillMask(Span<float> mask, float p, float scale, ulong seed)
    {
        const float Unit = 1f / (1 << 24);
        ulong state = seed;
        int i = 0;
        for (; i + 1 < mask.Length; i += 2)
        {
            ulong z = Mix(state += 0x9E3779B97F4A7C15UL);
            mask[i] = (z >> 40) * Unit >= p ? scale : 0f;
            mask[i + 1] = ((z >> 8) & 0xFFFFFF) * Unit >= p ? scale : 0f;
        }
        if (i < mask.Length) mask[i] = (Mix(state + 0x9E3779B97F4A7C15UL) >> 40) * Unit >= p ? scale : 0f;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
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
