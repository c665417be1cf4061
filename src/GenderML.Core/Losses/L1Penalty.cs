namespace GenderML.Core.Losses;

/// <summary>
/// L1 (lasso) penalty over a set of parameters: <c>value = λ·Σ|w|</c>; adds <c>λ·sign(w)</c> to each gradient
/// (with <c>sign(0) = 0</c>, as PyTorch's <c>abs</c> backward).
/// </summary>
public sealed class L1Penalty
{
    /// <summary>Creates the penalty with strength <paramref name="strength"/> (λ ≥ 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    public L1Penalty(float strength)
    {
        if (!float.IsFinite(strength) || strength < 0)
            throw new ArgumentOutOfRangeException(nameof(strength), $"the L1 strength must be finite and ≥ 0, got {strength}");
        Strength = strength;
    }

    /// <summary>λ.</summary>
    public float Strength { get; }

    /// <summary>Returns <c>λ·Σ|w|</c> over every value of every parameter in <paramref name="parameters"/> and adds
    /// <c>λ·sign(w)</c> to their gradients. Allocates nothing.</summary>
    public float Apply(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sum = 0;
        float lambda = Strength;
        for (int p = 0; p < parameters.Count; p++)
        {
            float[] w = parameters[p].Value.Data, g = parameters[p].Gradient.Data;
            double partial = 0;
            for (int i = 0; i < w.Length; i++)
            {
                partial += Math.Abs(w[i]);
                g[i] += lambda * MathF.Sign(w[i]);
            }
            sum += partial;
        }
        return (float)(lambda * sum);
    }
}
