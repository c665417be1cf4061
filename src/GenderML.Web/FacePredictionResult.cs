namespace GenderML.Web;

/// <summary>One face of an image and what the served model says of it.</summary>
/// <param name="Box">The face's box in pixels of the image (x, y, width, height); the whole image for a crop.</param>
/// <param name="DetectorScore">The face detector's score of the box; null when the image was taken as one face crop.</param>
/// <param name="ProbabilityMale">P(male) in [0, 1].</param>
/// <param name="Label">The predicted label (<see cref="GenderLabels.Male"/> when P(male) &gt; 0.5, else <see cref="GenderLabels.Female"/>).</param>
/// <param name="Abstained">True when P(male) lies inside the model's abstain band: the model declines to call it.</param>
public sealed record FacePredictionResult(BoxResult Box, double? DetectorScore,
    [property: System.Text.Json.Serialization.JsonPropertyName("pMale")] double ProbabilityMale, string Label, bool Abstained)
{
    /// <summary>The probability of the predicted label: max(P(male), 1 − P(male)).</summary>
    public double Confidence => Math.Max(ProbabilityMale, 1 - ProbabilityMale);
}

/// <summary>A box in pixels of an image: left, top, width and height.</summary>
public sealed record BoxResult(double X, double Y, double Width, double Height);
