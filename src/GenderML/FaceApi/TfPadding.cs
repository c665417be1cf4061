namespace GenderML.FaceApi;

/// <summary>How a TensorFlow window op pads its input.</summary>
internal enum Padding
{
    /// <summary>TensorFlow 'same': <c>out = ceil(in/stride)</c>; the odd padded pixel goes bottom/right.</summary>
    Same,

    /// <summary>TensorFlow 'valid': no padding, <c>out = ceil((in − k + 1)/stride)</c>.</summary>
    Valid,
}

/// <summary>TensorFlow's padding arithmetic (tfjs-core <c>conv_util.getPadAndOutInfo</c>).</summary>
internal static class TfPadding
{
    /// <summary>Output size and the padding before and after, for one spatial axis.</summary>
    public static (int Out, int Before, int After) Axis(Padding padding, int inSize, int kernel, int stride)
    {
        if (padding == Padding.Valid)
            return ((inSize - kernel + stride) / stride, 0, 0);
        int outSize = (inSize + stride - 1) / stride;
        int total = Math.Max(0, (outSize - 1) * stride + kernel - inSize);
        return (outSize, total / 2, total - total / 2);
    }
}
