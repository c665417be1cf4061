namespace GenderML.FaceApi;

/// <summary>What the face-api age/gender net says about one face.</summary>
/// <param name="Age">Estimated age in years: the raw regression output, not clamped.</param>
/// <param name="ProbabilityMale">Softmax probability of the "male" output (index 0 of [male, female]).</param>
internal readonly record struct AgeGenderEstimate(float Age, float ProbabilityMale);
