using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary>
/// Max pooling over K×K windows of an N×C×H×W batch: <c>y[n,c,y,x] = max_{i,j} x[n,c,y·s − pad + i, x·s − pad + j]</c>,
/// padded positions never win (they act as −∞). Backward routes each gradient to the first maximum of its window (row-major order).
/// </summary>
public sealed class MaxPool2d : Layer
{
    private readonly PartitionedLoop _loop = new();
    private readonly Action<int, int> _forwardPart, _backwardPart;
    private Tensor? _input, _output, _gradInput, _gradOutput, _maskedGradOutput, _residual;
    private PoolGeometry _geometry;
    private bool _maskInPass, _addedResidual, _recordedArgmax;
    private PoolGradientSource? _source;
    // Set when the convolution before this pool ran its pass (conv → ReLU → pool in training): the input was never
    // written, the index of each window's maximum stands for it.
    private Conv2d? _pooledBy;
    private byte[] _argmax = [];
    private int _batch, _channels;

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to the kernel size and padding to none.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, ConvPadding? padding = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Stride);
        Padding = padding ?? ConvPadding.Valid;
        _forwardPart = (start, end) => ForwardPart(start, end);
        _backwardPart = (start, end) => BackwardPart(start, end);
    }

    private unsafe void ForwardPart(int start, int end)
    {
        if (!_recordedArgmax)
        {
            Pooling.MaxForward(_geometry, _input!.Data, _output!.Data, start, end, _residual is null ? default : _residual.Data);
            return;
        }
        fixed (float* x = _input!.Data, y = _output!.Data)
        fixed (byte* a = _argmax)
            MaxPoolArgmax.Forward(x, y, a, _geometry.InHeight, _geometry.InWidth, start, end);
    }

    private unsafe void BackwardPart(int start, int end)
    {
        if (_pooledBy is null && !_recordedArgmax)
        {
            Pooling.MaxBackward(_geometry, _input!.Data, _output!.Data, _gradOutput!.Data, _gradInput!.Data, start, end, _maskInPass);
            return;
        }
        fixed (byte* a = _argmax)
        fixed (float* o = _output!.Data, go = _gradOutput!.Data, gi = _gradInput!.Data)
            MaxPoolArgmax.Backward(a, o, go, gi, _geometry.InHeight, _geometry.InWidth, start, end, RectifiedInput);
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
        _pooledBy = null;
        _addedResidual = _residual is not null;
        var output = TensorBuffers.Ensure(ref _output, input.Dim(0), input.Dim(1), g.OutHeight, g.OutWidth);
        // Training: a plain 2×2 pool of an even-sized map keeps each window's maximum's index for its backward pass,
        // which then reads neither the input nor the map.
        _recordedArgmax = Training && !_addedResidual && g.IsPlain2x2 && (g.InHeight & 1) == 0 && (g.InWidth & 1) == 0;
        if (_recordedArgmax && _argmax.Length != output.Length) _argmax = new byte[output.Length];
        _loop.Run(_forwardPart, g.Planes, Compute.Threads, minItemsPerPart: 8);
        return output;
    }

    /// <summary>
    /// Inference of <c>pool(x) + residual</c>, the add in the pool's output pass (<paramref name="residual"/> shaped like
    /// the output), bit for bit the pool followed by an add. <see cref="Backward"/> does not follow it.
    /// </summary>
    /// <exception cref="ArgumentException">The residual is not shaped like the output.</exception>
    internal Tensor ForwardResidual(Tensor input, Tensor residual)
    {
        var g = PoolGeometry.For(input, KernelSize, Stride, Padding, "MaxPool2d");
        if (residual.Rank != 4 || residual.Dim(0) != input.Dim(0) || residual.Dim(1) != input.Dim(1)
            || residual.Dim(2) != g.OutHeight || residual.Dim(3) != g.OutWidth)
            throw new ArgumentException(
                $"MaxPool2d: the residual {residual} is not shaped like the output ({input.Dim(0)}×{input.Dim(1)}×{g.OutHeight}×{g.OutWidth})",
                nameof(residual));
        _residual = residual;
        try { return Forward(input); }
        finally { _residual = null; }
    }

    /// <summary>
    /// Inference of the pool after a leaky ReLU of slope <paramref name="negativeSlope"/> ≥ 0: the activation is
    /// non-decreasing, so it commutes with the maximum and runs on the pooled output, bit for bit the same.
    /// </summary>
    internal Tensor ForwardAfterLeakyRelu(Tensor input, float negativeSlope)
    {
        var output = Forward(input);
        Elementwise.LeakyRelu(output.Data, negativeSlope, output.Data);
        return output;
    }

    /// <summary>
    /// Set by the parent when the input is a ReLU's output whose derivative this pass applies (the ReLU's
    /// backward returns its gradient unchanged): a window's gradient goes to its maximum only when that is above 0,
    /// which is the ReLU's derivative at the only input that receives a gradient.
    /// </summary>
    internal bool RectifiedInput { get; set; }

    /// <summary><c>g'[i] = output[i] &gt; 0 ? g[i] : 0</c>.</summary>
    private Tensor MaskRectified(Tensor gradOutput)
    {
        var masked = TensorBuffers.EnsureLike(ref _maskedGradOutput, gradOutput);
        Elementwise.ReluBackward(_output!.Data.AsSpan(0, gradOutput.Length), gradOutput.Data, masked.Data);
        return masked;
    }

    /// <summary>
    /// Whether <see cref="GradientSource"/> can stand for <see cref="Backward"/>: a plain 2×2 pool after a ReLU whose
    /// derivative it applies, whose last forward pass read <paramref name="input"/>.
    /// </summary>
    internal bool RoutesRectified(Tensor input) =>
        RectifiedInput && ReferenceEquals(_input, input) && _geometry.IsPlain2x2 && _output is not null;

    /// <summary>
    /// Readies the layer for <paramref name="producer"/>, the convolution before it (and a ReLU), to run its pass:
    /// returns the output tensor (N×C×PH×PW for the pool <paramref name="geometry"/>) and the buffer of window
    /// maxima's indices to fill (<see cref="Conv2d"/>'s training fusion).
    /// </summary>
    internal (Tensor Output, byte[] Argmax) PooledBy(Conv2d producer, in PoolGeometry geometry, int batch, int channels)
    {
        _geometry = geometry;
        _input = null;
        _addedResidual = false;
        _recordedArgmax = false;
        _pooledBy = producer;
        (_batch, _channels) = (batch, channels);
        var output = TensorBuffers.Ensure(ref _output, batch, channels, geometry.OutHeight, geometry.OutWidth);
        if (_argmax.Length != output.Length) _argmax = new byte[output.Length];
        return (output, _argmax);
    }

    /// <summary>Whether the last forward pass was <paramref name="producer"/>'s (<see cref="PooledBy"/>) and
    /// <see cref="GradientSource"/> can stand for <see cref="Backward"/>.</summary>
    internal bool RoutesPooledBy(Conv2d producer) => RectifiedInput && ReferenceEquals(_pooledBy, producer) && _output is not null;

    /// <summary>The pooled output and the window maxima's indices of the last forward pass when it was
    /// <paramref name="producer"/>'s (<see cref="PooledBy"/>), else null.</summary>
    internal (float[] Output, byte[] Argmax)? PooledIndices(Conv2d producer) =>
        ReferenceEquals(_pooledBy, producer) && _output is not null ? (_output.Data, _argmax) : null;

    /// <summary>The input gradient <see cref="Backward"/> would return, produced a few images at a time on request
    /// (<see cref="RoutesRectified"/> must hold); valid until the next forward pass.</summary>
    internal PoolGradientSource GradientSource(Tensor gradOutput)
    {
        if (_pooledBy is not null)
        {
            if (gradOutput.Length != _output!.Length)
                throw new ArgumentException($"MaxPool2d: the gradient {gradOutput} does not match the output {_output}", nameof(gradOutput));
            var fused = _source ??= new PoolGradientSource();
            fused.SetArgmax(_geometry, _channels, _argmax, _output.Data, gradOutput.Data);
            return fused;
        }
        var input = _input ?? throw new InvalidOperationException("MaxPool2d.Backward before Forward");
        if (gradOutput.Length != _output!.Length || input.Dim(1) * input.Dim(0) != _geometry.Planes)
            throw new ArgumentException($"MaxPool2d: the gradient {gradOutput} does not match the output {_output}", nameof(gradOutput));
        var source = _source ??= new PoolGradientSource();
        source.Set(_geometry, input.Dim(1), input.Data, _output.Data, gradOutput.Data, rectified: true);
        return source;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        if (_pooledBy is null && _input is null) throw new InvalidOperationException("MaxPool2d.Backward before Forward");
        if (_addedResidual) throw new InvalidOperationException("MaxPool2d.Backward after ForwardResidual: run Forward when training");
        var gradInput = _pooledBy is not null
            ? TensorBuffers.Ensure(ref _gradInput, _batch, _channels, _geometry.InHeight, _geometry.InWidth)
            : TensorBuffers.EnsureLike(ref _gradInput, _input!);
        if (_pooledBy is not null && gradOutput.Length != _output!.Length)
            throw new ArgumentException($"MaxPool2d: the gradient {gradOutput} does not match the output {_output}", nameof(gradOutput));
        // The plain 2×2 pass applies the ReLU's derivative as it routes; other pools mask the gradient first.
        _maskInPass = RectifiedInput && _geometry.IsPlain2x2;
        _gradOutput = RectifiedInput && !_maskInPass ? MaskRectified(gradOutput) : gradOutput;
        _loop.Run(_backwardPart, _geometry.Planes, Compute.Threads, minItemsPerPart: 8);
        _gradOutput = null;
        return gradInput;
    }
}
