namespace GenderML.Evaluation;

/// <summary>
/// A degradation applied to every image before a model sees it (<see cref="ModelEvaluationOptions.Stress"/>): the
/// stress tests of an evaluation, each deterministic, so the same image always becomes the same degraded image.
/// </summary>
public enum ImageStress
{
    /// <summary>Colour removed: each pixel's BT.601 luma (<see cref="Imaging.Image.ToGray"/>) in all three channels.</summary>
    Gray,

    /// <summary>Low light: <c>v' = 255 · 0.5 · (v / 255)^1.5</c> per channel (half the exposure, shadows crushed).</summary>
    Dark,

    /// <summary>Low JPEG quality: the image encoded as a JPEG at quality 15 and decoded again.</summary>
    Jpeg15,

    /// <summary>Out of focus: a Gaussian blur with σ = max(width, height) / 60 pixels (about 1.8 px on a 108 px face crop).</summary>
    Blur,
}
