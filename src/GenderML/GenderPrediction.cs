namespace GenderML;

/// <summary>
/// What a classifier says of one face: the more likely label and P(male). It is a guess at perceived,
/// binary gender presentation, not at anyone's gender identity.
/// </summary>
/// <param name="Label"><see cref="GenderLabels.Male"/> when <paramref name="ProbabilityMale"/> &gt; 0.5, else <see cref="GenderLabels.Female"/>.</param>
/// <param name="ProbabilityMale">P(male) in [0, 1].</param>
public sealed record GenderPrediction(string Label, float ProbabilityMale)
{
    /// <summary>
    /// For models that cut each image to its face first (face framing, the canonical crops of the face-api models): true
    /// when a face was found, false when none was and the whole image was classified — a guess about whatever the image
    /// shows. Null for models that read images as they are.
    /// </summary>
    public bool? FaceFound { get; init; }

    /// <summary>
    /// True when P(male) fell in an <see cref="AbstainBand"/> the caller applied (<see cref="AbstainBand.Apply"/>): the
    /// model is not sure enough, and <see cref="Label"/> is its guess only. False without a band.
    /// </summary>
    public bool Abstained { get; init; }

    /// <summary>P(female) = 1 − P(male).</summary>
    public float ProbabilityFemale => 1f - ProbabilityMale;

    /// <summary>The probability of the predicted label: max(P(male), P(female)).</summary>
    public float Confidence => Math.Max(ProbabilityMale, ProbabilityFemale);

    /// <summary>The prediction for a given P(male), labelled by the 0.5 threshold.</summary>
    public static GenderPrediction FromProbability(float probabilityMale) =>
        new(probabilityMale > 0.5f ? GenderLabels.Male : GenderLabels.Female, probabilityMale);
}
