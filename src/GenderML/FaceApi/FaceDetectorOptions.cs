namespace GenderML.FaceApi;

/// <summary>Which detector to run and its thresholds; the defaults are face-api's.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>The detector network. Default <see cref="FaceDetectorKind.SsdMobilenetV1"/>.</summary>
    public FaceDetectorKind Kind { get; init; } = FaceDetectorKind.SsdMobilenetV1;

    /// <summary>A face is reported when its score is strictly greater than this. Default 0.5.</summary>
    public double MinConfidence { get; init; } = 0.5;

    /// <summary>At most this many faces an image (SSD only; face-api's <c>maxResults</c>). Default 100.</summary>
    public int MaxResults { get; init; } = 100;

    /// <summary>Input side of the tiny detector, a multiple of 32 (larger finds smaller faces). Default 416.</summary>
    public int TinyInputSize { get; init; } = 416;

    internal void Validate()
    {
        if (MinConfidence is < 0 or >= 1 || double.IsNaN(MinConfidence))
            throw new ArgumentOutOfRangeException(nameof(MinConfidence), MinConfidence, "must be in [0, 1)");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxResults);
        if (TinyInputSize <= 0 || TinyInputSize % 32 != 0)
            throw new ArgumentOutOfRangeException(nameof(TinyInputSize), TinyInputSize, "must be a positive multiple of 32");
    }
}
