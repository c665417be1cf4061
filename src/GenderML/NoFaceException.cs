namespace GenderML;

/// <summary>
/// A model that takes full photos (trained with <c>DetectFaces</c>) was asked to classify a photo in which its detector
/// finds no face: there is nothing to predict. <see cref="FacePhotoClassifier"/> reports such photos as an empty list instead.
/// </summary>
public sealed class NoFaceException : Exception
{
    /// <summary>A new exception for the image at <paramref name="imageIndex"/> of the batch.</summary>
    public NoFaceException(int imageIndex, string message) : base(message) => ImageIndex = imageIndex;

    /// <summary>A new exception with a message only (<see cref="ImageIndex"/> −1).</summary>
    public NoFaceException(string message) : base(message) => ImageIndex = -1;

    /// <summary>A new exception with no details.</summary>
    public NoFaceException() : this("no face found") { }

    /// <summary>A new exception wrapping <paramref name="inner"/>.</summary>
    public NoFaceException(string message, Exception inner) : base(message, inner) => ImageIndex = -1;

    /// <summary>The position in the batch of the first image without a face; −1 when unknown.</summary>
    public int ImageIndex { get; }
}
