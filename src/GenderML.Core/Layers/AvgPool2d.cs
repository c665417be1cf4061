using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary>
/// Average pooling over K×K windows of an N×C×H×W batch. The divisor is K² when padding counts
/// (PyTorch's default, <c>count_include_pad=True</c>), else the number of real pixels in the window (TensorFlow).
/// </summary>
public sealed class AvgPool2d : Layer
{
    private Tensor? _input, _output, _gradInput;
    private PoolGeometry _geometry;

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to the kernel size and padding to none.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, ConvPadding? padding = null, bool countIncludePad = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Stride);
        Padding = padding ?? ConvPadding.Valid;
        CountIncludePad = countIncludePad;
    }

    /// <summary>Window height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Padding around the input.</summary>
    public ConvPadding Padding { get; }

    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        _geometry = PoolGeometry.For(input, KernelSize, Stride, Padding, "AvgPool2d");
        _input = input;
        var output = TensorBuffers.Ensure(ref _output, input.Dim(0), input.Dim(1), _geometry.OutHeight, _geometry.OutWidth);
        Pooling.AvgForward(_geometry, CountIncludePad, input.Data, output.Data, 0, _geometry.Planes);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("AvgPool2d.Backward before Forward");
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        Pooling.AvgBackward(_geometry, CountIncludePad, gradOutput.Data, gradInput.Data, 0, _geometry.Planes);
        return gradInput;
    }
}
