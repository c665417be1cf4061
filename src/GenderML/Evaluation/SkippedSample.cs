namespace GenderML.Evaluation;

/// <summary>A file left out of an evaluation, and why (e.g. "not a JPEG or PNG").</summary>
/// <param name="Path">The file, as the user named it.</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record SkippedSample(string Path, string Reason);
