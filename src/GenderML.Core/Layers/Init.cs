namespace GenderML.Core.Layers;

/// <summary>Seeded weight initialisation matching PyTorch's defaults.</summary>
internal static class Init
{
    /// <summary>Fills with U(−bound, bound).</summary>
    public static void Uniform(Span<float> values, float bound, Random random)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
    }

    /// <summary>PyTorch's default for Linear/Conv weights, <c>kaiming_uniform_(a=√5)</c>: U(±1/√fanIn) — and the same bound for their biases.</summary>
    public static float DefaultBound(int fanIn) => fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
}
