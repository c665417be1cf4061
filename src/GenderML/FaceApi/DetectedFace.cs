namespace GenderML.FaceApi;

/// <summary>A face found in an image.</summary>
/// <param name="X">Left edge in pixels of the original image.</param>
/// <param name="Y">Top edge in pixels.</param>
/// <param name="Width">Box width in pixels.</param>
/// <param name="Height">Box height in pixels.</param>
/// <param name="Score">The detector's confidence in [0, 1].</param>
public readonly record struct DetectedFace(double X, double Y, double Width, double Height, double Score);
