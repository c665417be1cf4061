namespace GenderML.Core.Losses;

/// <summary>
/// L2 (ridge) penalty over a set of parameters: <c>value = λ·Σw²</c>; adds <c>2λ·w</c> to each gradient.
/// </summary>
/// <remarks>This is Keras's <c>l2(λ)</c>. PyTorch's <c>weight_decay=d</c> on SGD adds <c>d·w</c> to the gradient,
/// which is this penalty with <c>λ = d/2</c>.</remarks>
public sealed class L2Penalty
{
    /// <summary>Creates the penalty with strength <paramref name="strength"/> (λ ≥ 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    public L2Penalty(float strength)
    {
        if (!float.IsFinite(strength) || strength < 0)
            throw new ArgumentOutOfRangeException(nameof(strength), $"the L2 strength must be finite and ≥ 0, got {strength}");
        Strength = strength;
    }

    /// <summary>λ.</summary>
    public float Strength { get; }

    /// <summary>Returns <c>λ·Σw²</c> over every value of every parameter in <paramref name="parameters"/> and adds
    /// <c>2λ·w</c> to their gradients. Allocates nothing.</summary>
    public float Apply(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sum = 0;
        float twoLambda = 2 * Strength;
        for (int p = 0; p < parameters.Count; p++)
        {
            float[] w = parameters[p].Value.Data, g = parameters[p].Gradient.Data;
            double partial = 0;
            for (int i = 0; i < w.Length; i++)
            {
                partial += (double)w[i] * w[i];
                g[i] += twoLambda * w[i];
            }
            sum += partial;
        }
        return (float)(Strength * sum);
    }
}
