namespace GenderML.Core.Kernels;

/// <summary>
/// The shape of a 2-D convolution over an NCHW batch: input N×C×H×W, weights OC×(C/groups)×KH×KW,
/// output N×OC×OH×OW with <c>OH = (H + PadTop + PadBottom − KH) / StrideH + 1</c> (likewise OW).
/// Padding may differ per side (TensorFlow's <c>same</c> puts the odd pixel bottom/right).
/// </summary>
public readonly record struct ConvGeometry(
    int Batch, int InChannels, int InHeight, int InWidth,
    int OutChannels, int KernelHeight, int KernelWidth,
    int StrideHeight = 1, int StrideWidth = 1,
    int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int Groups = 1)
{
    /// <summary>Output height.</summary>
    public int OutHeight => (InHeight + PadTop + PadBottom - KernelHeight) / StrideHeight + 1;

    /// <summary>Output width.</summary>
    public int OutWidth => (InWidth + PadLeft + PadRight - KernelWidth) / StrideWidth + 1;

    /// <summary>Input channels each group sees.</summary>
    public int InChannelsPerGroup => InChannels / Groups;

    /// <summary>Output channels each group makes.</summary>
    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Values in the input batch.</summary>
    public int InputLength => Batch * InChannels * InHeight * InWidth;

    /// <summary>Values in the output batch.</summary>
    public int OutputLength => Batch * OutChannels * OutHeight * OutWidth;

    /// <summary>Values in the weight tensor.</summary>
    public int WeightLength => OutChannels * InChannelsPerGroup * KernelHeight * KernelWidth;
}
