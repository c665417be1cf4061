using System.Text.Json.Serialization;

namespace GenderML.Batch;

/// <summary>One face of an image in a batch row: its box in pixels of the image, the detector's score and, when a
/// classifier ran on it, P(male) and the label.</summary>
public sealed class BatchFace
{
    /// <summary>Left edge of the box.</summary>
    [JsonPropertyName("x")] public double X { get; set; }

    /// <summary>Top edge of the box.</summary>
    [JsonPropertyName("y")] public double Y { get; set; }

    /// <summary>Width of the box.</summary>
    [JsonPropertyName("width")] public double Width { get; set; }

    /// <summary>Height of the box.</summary>
    [JsonPropertyName("height")] public double Height { get; set; }

    /// <summary>The detector's score, 0 to 1.</summary>
    [JsonPropertyName("score")] public double Score { get; set; }

    /// <summary>P(male) of the face (null for <see cref="BatchKind.Detect"/>).</summary>
    [JsonPropertyName("p_male")] public float? ProbabilityMale { get; set; }

    /// <summary>The more likely label of the face (null for <see cref="BatchKind.Detect"/>).</summary>
    [JsonPropertyName("label")] public string? Label { get; set; }
}
