namespace GenderML;

/// <summary>
/// The map a model applies to its raw P(male) before every prediction: p' = σ(<see cref="Scale"/>·logit(p) +
/// <see cref="Offset"/>), or with <see cref="CalibrationMethod.SidedPower"/> a power map on each side of logit 0, fitted by
/// <see cref="Trainer"/>.<c>Fit</c> on held-out scores (<see cref="Source"/>).
/// The identity (scale 1, offset 0) leaves p as it is.
/// </summary>
/// <remarks>
/// Temperature scaling (Guo et al., 2017) fits the scale alone (T = 1 / scale); Platt scaling (1999) fits both; sided
/// power scaling (<see cref="CalibrationMethod.SidedPower"/>) maps each side of logit 0 by a scale and a power of its own. The
/// fit minimises the log-loss of the held-out labels by Newton's method on logit(p), p clipped to [1e-7, 1 − 1e-7].
/// </remarks>
public sealed record ProbabilityCalibration
{
    /// <summary>The logit clip: raw probabilities are taken in [Epsilon, 1 − Epsilon].</summary>
    internal const double Epsilon = 1e-7;

    /// <summary>The identity map (no calibration): what models saved without one load with.</summary>
    public static ProbabilityCalibration Identity { get; } = new();

    /// <summary>How the map was fitted.</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.None;

    /// <summary>The factor a on logit(p): 1 / T for temperature scaling.</summary>
    public double Scale { get; init; } = 1;

    /// <summary>The offset b added to the scaled logit (0 for temperature scaling).</summary>
    public double Offset { get; init; }

    /// <summary><see cref="CalibrationMethod.SidedPower"/>: the power γ₊ on logits z ≥ 0, σ(a·z^γ₊); null for the other methods (1).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? Power { get; init; }

    /// <summary><see cref="CalibrationMethod.SidedPower"/>: the scale a₋ on logits z &lt; 0, σ(−a₋·|z|^γ₋); null: <see cref="Scale"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? LowerScale { get; init; }

    /// <summary><see cref="CalibrationMethod.SidedPower"/>: the power γ₋ on logits z &lt; 0; null: <see cref="Power"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? LowerPower { get; init; }

    /// <summary>What the map was fitted on, e.g. <c>validation</c> or <c>out-of-fold (3 folds)</c>; empty for the identity.</summary>
    public string Source { get; init; } = "";

    /// <summary>Held-out scores the map was fitted on.</summary>
    public int Count { get; init; }

    /// <summary>Expected calibration error (10 bins) of the held-out scores before the map; null when not fitted.</summary>
    public double? EceBefore { get; init; }

    /// <summary>Expected calibration error of the held-out scores after the map; null when not fitted.</summary>
    public double? EceAfter { get; init; }

    /// <summary>The temperature T = 1 / <see cref="Scale"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double Temperature => 1 / Scale;

    /// <summary>True when the map leaves every probability as it is.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsIdentity => Scale == 1 && Offset == 0 && !IsSided;

    /// <summary>True when the two sides of logit 0 are mapped by a power or scale of their own.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal bool IsSided => (Power ?? 1) != 1 || (LowerPower ?? Power ?? 1) != 1 || (LowerScale ?? Scale) != Scale;

    /// <summary>The calibrated P(male) of a raw P(male): σ(scale·logit(p) + offset); NaN stays NaN.</summary>
    public float Apply(float probabilityMale)
    {
        if (IsIdentity || float.IsNaN(probabilityMale)) return probabilityMale;
        double p = Math.Clamp((double)probabilityMale, Epsilon, 1 - Epsilon);
        double z = MapLogit(Math.Log(p / (1 - p)));
        return (float)(1 / (1 + Math.Exp(-z)));
    }

    /// <summary>The calibrated logit of a raw logit z: scale·z + offset, or the sided power map.</summary>
    internal double MapLogit(double z) => !IsSided ? Scale * z + Offset
        : z >= 0 ? Scale * Math.Pow(z, Power ?? 1) + Offset
        : -(LowerScale ?? Scale) * Math.Pow(-z, LowerPower ?? Power ?? 1) + Offset;

    /// <summary>One sentence on the map: none, or its formula, what it was fitted on and the ECE there before and after.</summary>
    public string Describe() => Method == CalibrationMethod.None || IsIdentity
        ? "None: P(male) is the model's own."
        : IsSided ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Method} scaling, P(male) = σ({Scale:G6}·z^{Power ?? 1:G4}) for logit(p) = z ≥ 0, σ(−{LowerScale ?? Scale:G6}·|z|^{LowerPower ?? Power ?? 1:G4}) below, " +
            $"fitted on {Count:N0} {Source} scores; ECE there {EceBefore * 100:F2}% before, {EceAfter * 100:F2}% after.")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Method} scaling, P(male) = σ({Scale:G6}·logit(p) + {Offset:G6}) (T = {Temperature:G4}), fitted on {Count:N0} {Source} scores; " +
            $"ECE there {EceBefore * 100:F2}% before, {EceAfter * 100:F2}% after.");

    /// <summary>A copy of <paramref name="probabilitiesMale"/>, each calibrated by <see cref="Apply(float)"/>.</summary>
    public float[] Apply(ReadOnlySpan<float> probabilitiesMale)
    {
        var result = new float[probabilitiesMale.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Apply(probabilitiesMale[i]);
        return result;
    }
}
