namespace GenderML.Evaluation;

/// <summary>One evaluated image: its file, its true label and the model's P(male).</summary>
/// <param name="Path">The file, as the dataset named it.</param>
/// <param name="Label">The true label: 1 = male, 0 = female.</param>
/// <param name="PMale">The model's probability that the face is male.</param>
public sealed record SamplePrediction(string Path, int Label, double PMale);
