using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary>
/// Max pooling over K×K windows of an N×C×H×W batch: <c>y[n,c,y,x] = max_{i,j} x[n,c,y·s − pad + i, x·s − pad + j]</c>,
/// padded positions never win (they act as −∞). Backward routes each gradient to the first maximum of its window.
/// </summary>
public sealed class MaxPool2d : Layer
{
    private Tensor? _input, _output, _gradInput;
    private int[]? _argmax;
    private PoolGeometry _geometry;

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to the kernel size and padding to none.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, ConvPadding? padding = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Stride);
        Padding = padding ?? ConvPadding.Valid;
    }

    /// <summary>Window height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Padding around the input.</summary>
    public ConvPadding Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        _geometry = PoolGeometry.For(input, KernelSize, Stride, Padding, "MaxPool2d");
        var g = _geometry;
        _input = input;
        var output = TensorBuffers.Ensure(ref _output, input.Dim(0), input.Dim(1), g.OutHeight, g.OutWidth);
        if (_argmax is null || _argmax.Length != output.Length) _argmax = new int[output.Length];
        Pooling.MaxForward(g, input.Data, output.Data, _argmax);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("MaxPool2d.Backward before Forward");
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        Pooling.MaxBackward(_geometry, gradOutput.Data, _argmax!, gradInput.Data);
        return gradInput;
    }
}
