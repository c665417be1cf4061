using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>
/// A step between decoding and the N×N resize that cuts each image to a new frame, for instance around the face a
/// detector finds (GenderML's face framing), so a model sees faces framed alike whatever the source's framing.
/// Set it as <see cref="PreprocessOptions.Framing"/>; the pixel cache, training and prediction then all apply it.
/// </summary>
public abstract class ImageFraming
{
    /// <summary>A short stable text naming the framing and its settings (part of <see cref="PreprocessOptions.Key"/> and so of cache keys).</summary>
    public abstract string Key { get; }

    /// <summary>The side decoded images should at least have, so a face cut out of a large photo still covers the model's input.</summary>
    public virtual int MinimumDecodeSide => 448;

    /// <summary>
    /// The images re-framed, one result per input, in order. Called by one thread at a time with batches of any size;
    /// an image the framing cannot place is returned as it is.
    /// </summary>
    public abstract IReadOnlyList<Image> Frame(IReadOnlyList<Image> images);

    /// <summary>Framings of the same type with the same <see cref="Key"/> are equal, so equal settings make equal <see cref="PreprocessOptions"/>.</summary>
    public override bool Equals(object? obj) => obj is ImageFraming other && other.GetType() == GetType() && other.Key == Key;

    /// <inheritdoc/>
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}
