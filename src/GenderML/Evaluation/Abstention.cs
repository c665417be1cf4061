namespace GenderML.Evaluation;

/// <summary>What an <see cref="AbstainBand"/> did on an evaluation: how many samples it answered and how well.</summary>
/// <param name="Band">The band: samples with P(male) inside it abstained.</param>
/// <param name="Answered">Samples outside the band.</param>
/// <param name="Coverage">Answered / all samples.</param>
/// <param name="Accuracy">Accuracy on the answered samples (NaN when none was answered).</param>
public sealed record Abstention(AbstainBand Band, int Answered, double Coverage, double Accuracy);
