namespace GenderML;

/// <summary>What <see cref="FaceFraming"/> does where the widened face box reaches beyond the image.</summary>
public enum FramingEdge
{
    /// <summary>
    /// The whole box is cut out, the image's edge pixels repeated beyond it: a face takes the same share of the frame
    /// however it was framed.
    /// </summary>
    Extend,

    /// <summary>
    /// The box is clipped to the image: only image pixels, the frame smaller where the box reaches beyond.
    /// </summary>
    Clip,
}
