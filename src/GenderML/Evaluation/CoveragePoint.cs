namespace GenderML.Evaluation;

/// <summary>
/// One point of the coverage/accuracy curve: answering only the <see cref="Coverage"/> share of samples the model is
/// surest of (highest max(P(male), P(female))), abstaining on the rest.
/// </summary>
/// <param name="Coverage">Share of samples answered, in (0, 1].</param>
/// <param name="Answered">Samples answered.</param>
/// <param name="Accuracy">Accuracy on the answered samples.</param>
/// <param name="MinConfidence">The lowest confidence among the answered samples: the abstain threshold that gives this coverage.</param>
public sealed record CoveragePoint(double Coverage, int Answered, double Accuracy, double MinConfidence);
