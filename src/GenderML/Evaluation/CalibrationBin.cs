namespace GenderML.Evaluation;

/// <summary>One bin of the reliability diagram of P(male).</summary>
/// <param name="Lower">Lower edge (exclusive, except 0 for the first bin).</param>
/// <param name="Upper">Upper edge (inclusive).</param>
/// <param name="Count">Samples whose P(male) falls in the bin.</param>
/// <param name="MeanScore">Mean P(male) of those samples (NaN when empty).</param>
/// <param name="FractionPositive">Fraction of them that are male (NaN when empty).</param>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanScore, double FractionPositive);
