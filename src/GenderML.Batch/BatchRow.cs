using System.Text.Json.Serialization;

namespace GenderML.Batch;

/// <summary>
/// One image's row of a batch part file (the Parquet columns are the JSON names): what was computed for it, or why
/// nothing was (<see cref="Status"/>), with the model that computed it.
/// </summary>
public sealed class BatchRow
{
    /// <summary>The status of an image that was processed.</summary>
    public const string Ok = "ok";

    /// <summary>The image as the input names it.</summary>
    [JsonPropertyName("path")] public string Path { get; set; } = "";

    /// <summary>The lowercase hex SHA-256 of the file's bytes (null when it could not be read).</summary>
    [JsonPropertyName("content_hash")] public string? ContentHash { get; set; }

    /// <summary><see cref="Ok"/>, or the reason the image could not be processed.</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = Ok;

    /// <summary>The decoded image's width in pixels.</summary>
    [JsonPropertyName("width")] public int? Width { get; set; }

    /// <summary>The decoded image's height in pixels.</summary>
    [JsonPropertyName("height")] public int? Height { get; set; }

    /// <summary>The image's label (<see cref="BatchKind.Predict"/> of a model that takes face images).</summary>
    [JsonPropertyName("label")] public string? Label { get; set; }

    /// <summary>The image's P(male) (<see cref="BatchKind.Predict"/> of a model that takes face images).</summary>
    [JsonPropertyName("p_male")] public float? ProbabilityMale { get; set; }

    /// <summary>Whether the model's face framing found a face (false: the whole image was used); null without framing.</summary>
    [JsonPropertyName("face_found")] public bool? FaceFound { get; set; }

    /// <summary>The faces found in the image (<see cref="BatchKind.Detect"/>, or a predict over photos).</summary>
    [JsonPropertyName("faces")] public List<BatchFace>? Faces { get; set; }

    /// <summary>The embedding (<see cref="BatchKind.Embed"/>), a fixed number of floats per model.</summary>
    [JsonPropertyName("embedding")] public List<float>? Embedding { get; set; }

    /// <summary>The model's name (a preset, a model file's name, a detector).</summary>
    [JsonPropertyName("model")] public string Model { get; set; } = "";

    /// <summary>The lowercase hex SHA-256 that identifies the model's weights.</summary>
    [JsonPropertyName("model_hash")] public string ModelHash { get; set; } = "";
}
