using System.Globalization;

namespace GenderML;

/// <summary>
/// A band of P(male) inside which a prediction abstains (<see cref="GenderPrediction.Abstained"/>): the model is not
/// sure enough to answer. A prediction abstains when <see cref="Lower"/> ≤ P(male) ≤ <see cref="Upper"/>.
/// </summary>
/// <param name="Lower">The band's lower edge, in [0, 0.5].</param>
/// <param name="Upper">The band's upper edge, in [0.5, 1].</param>
public sealed record AbstainBand(double Lower, double Upper)
{
    /// <summary>The band used when one is asked for without edges: 0.35–0.65.</summary>
    public static AbstainBand Default { get; } = new(0.35, 0.65);

    /// <summary>True when P(male) lies in the band.</summary>
    public bool Contains(float probabilityMale) => probabilityMale >= Lower && probabilityMale <= Upper;

    /// <summary><paramref name="prediction"/> with <see cref="GenderPrediction.Abstained"/> set by this band.</summary>
    public GenderPrediction Apply(GenderPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return prediction with { Abstained = Contains(prediction.ProbabilityMale) };
    }

    /// <summary>Reads <c>LOW-HIGH</c> (e.g. <c>0.35-0.65</c>), invariant culture.</summary>
    /// <exception cref="FormatException">Not two numbers joined by '-', or not 0 ≤ LOW ≤ 0.5 ≤ HIGH ≤ 1.</exception>
    public static AbstainBand Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('-');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double high))
        {
            if (low >= 0 && low <= 0.5 && high >= 0.5 && high <= 1) return new AbstainBand(low, high);
            throw new FormatException($"abstain band '{text}': the edges must satisfy 0 ≤ LOW ≤ 0.5 ≤ HIGH ≤ 1");
        }
        throw new FormatException($"abstain band '{text}' is not LOW-HIGH, e.g. 0.35-0.65");
    }

    /// <summary>The band as <c>LOW-HIGH</c>, invariant culture.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Lower}-{Upper}");
}
