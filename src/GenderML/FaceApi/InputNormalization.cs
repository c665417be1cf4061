namespace GenderML.FaceApi;

/// <summary>How a net maps 0–255 RGB values to its input (float32 per op, as tfjs).</summary>
internal readonly record struct InputNormalization(float MeanR, float MeanG, float MeanB, bool MinusOneToOne)
{
    /// <summary><c>(x − [122.782, 117.001, 104.298]) / 255</c>: age/gender and recognition.</summary>
    public static InputNormalization FaceMeans { get; } = new(122.782f, 117.001f, 104.298f, false);

    /// <summary><c>(x − [117.001, 114.697, 97.404]) / 255</c>: tiny face detector.</summary>
    public static InputNormalization TinyYoloMeans { get; } = new(117.001f, 114.697f, 97.404f, false);

    /// <summary><c>x / 127.5 − 1</c>: SSD MobileNetV1.</summary>
    public static InputNormalization MinusOneToOneScale { get; } = new(0, 0, 0, true);
}
