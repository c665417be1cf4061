namespace GenderML.Data;

/// <summary>
/// How uint8 pixels become floats: <c>x = (p / 255 − Mean[c]) / Std[c]</c> per channel c.
/// <see cref="UnitRange"/> (mean 0, std 1) gives <c>p / 255</c> in [0, 1].
/// </summary>
public sealed record PixelNormalization
{
    /// <summary>Creates a per-channel normalisation; <paramref name="mean"/> and <paramref name="std"/> have one value a channel, std &gt; 0.</summary>
    /// <exception cref="ArgumentException">The lengths differ, are empty, or a std is not positive.</exception>
    public PixelNormalization(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length) throw new ArgumentException($"need one mean and one std a channel, got {mean.Length} and {std.Length}");
        if (std.Any(s => !(s > 0))) throw new ArgumentException("every std must be > 0");
        Mean = [.. mean];
        Std = [.. std];
    }

    /// <summary>The per-channel means, on the [0, 1] scale.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>The per-channel standard deviations, on the [0, 1] scale.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary><c>p / 255</c>: values in [0, 1].</summary>
    public static PixelNormalization UnitRange { get; } = new([0f], [1f]);

    /// <summary>The scale a and offset b of channel c so that <c>x = a·p + b</c> (a channel past the given ones reuses the last).</summary>
    internal (float Scale, float Offset) Affine(int channel)
    {
        int c = Math.Min(channel, Mean.Count - 1);
        float scale = 1f / (255f * Std[c]);
        return (scale, -Mean[c] / Std[c]);
    }
}
