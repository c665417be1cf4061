namespace GenderML.Evaluation;

/// <summary>Accuracy on the samples of one group (e.g. an age band), to show gaps between groups.</summary>
/// <param name="Group">The group key.</param>
/// <param name="Count">Samples in the group.</param>
/// <param name="Accuracy">Correct predictions / <paramref name="Count"/>.</param>
/// <param name="Female">Female samples in the group.</param>
/// <param name="Male">Male samples in the group.</param>
public sealed record GroupAccuracy(string Group, int Count, double Accuracy, int Female, int Male);
