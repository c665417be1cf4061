namespace GenderML;

/// <summary>An image whose label a model trained without it finds unlikely: a candidate for a person to look at.</summary>
/// <param name="Path">The file, as the dataset named it.</param>
/// <param name="Label">Its label: 1 = male, 0 = female.</param>
/// <param name="ProbabilityOfLabel">The out-of-fold probability the screening model gives that label.</param>
public sealed record SuspectLabel(string Path, int Label, double ProbabilityOfLabel);
