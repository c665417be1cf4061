using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

/// <summary>
/// 2-D convolution over an N×C×H×W batch:
/// <c>y[n,o,y,x] = b[o] + Σ_{c,i,j} x[n, g·C/G + c, y·s − pad + i, x·s − pad + j] · W[o,c,i,j]</c>
/// with zeros outside the input; weights OutChannels×(InChannels/Groups)×KH×KW as in PyTorch.
/// </summary>
/// <remarks>
/// In evaluation mode with its weight frozen (<see cref="Parameter.Trainable"/> false), the layer packs the weights
/// for its kernels on the first call and reuses them; setting <see cref="Parameter.Trainable"/> or switching the mode
/// drops the packed copy.
/// </remarks>
public sealed partial class Conv2d : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private Tensor? _input, _output, _gradInput, _pooled;
    private ConvGeometry _geometry;
    private Ops.SingleChannelConvWeightGrad? _singleChannel;
    private bool _fused;
    private PackedWeights? _packed;
    private int _packedVersion;
    private WinogradWeights? _winograd;
    private MaxPool2d? _pooledInto;

    /// <summary>Creates a square-kernel convolution with PyTorch's default initialisation drawn from <paramref name="random"/>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="random">Source of the initial weights.</param>
    /// <param name="stride">Step between windows, both axes.</param>
    /// <param name="padding">Zero padding; <see cref="ConvPadding.Valid"/> when null.</param>
    /// <param name="groups">Channel groups (InChannels for a depthwise convolution).</param>
    /// <param name="bias">Whether to add a learned bias per output channel.</param>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Random random, int stride = 1, ConvPadding? padding = null, int groups = 1, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        ArgumentNullException.ThrowIfNull(random);
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: {groups} groups must divide both {inChannels} input and {outChannels} output channels", nameof(groups));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding ?? ConvPadding.Valid;
        Groups = groups;
        int fanIn = inChannels / groups * kernelSize * kernelSize;
        float bound = Init.DefaultBound(fanIn);
        var w = new Tensor(outChannels, inChannels / groups, kernelSize, kernelSize);
        Init.Uniform(w.Data, bound, random);
        _weight = AddParameter("weight", w);
        if (bias)
        {
            var b = new Tensor(outChannels);
            Init.Uniform(b.Data, bound, random);
            _bias = AddParameter("bias", b);
        }
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>How the input is padded.</summary>
    public ConvPadding Padding { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The weights, OutChannels×(InChannels/Groups)×K×K.</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias per output channel, or null.</summary>
    public Parameter? Bias => _bias;

    /// <summary>The geometry for an input of the given size.</summary>
    internal ConvGeometry GeometryFor(int batch, int height, int width)
    {
        var (top, bottom) = Padding.Resolve(height, KernelSize, Stride, vertical: true);
        var (left, right) = Padding.Resolve(width, KernelSize, Stride, vertical: false);
        return new ConvGeometry(batch, InChannels, height, width, OutChannels, KernelSize, KernelSize,
            Stride, Stride, top, left, bottom, right, Groups);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Run(input, null, relu: false);

    /// <summary>
    /// The forward pass with its epilogue fused into the convolution's output pass:
    /// <c>y = act(conv(x) + b + residual)</c>, <c>act</c> the ReLU when <paramref name="relu"/> is set, else the
    /// identity; <paramref name="residual"/> (null for none) is shaped like the output. For inference:
    /// <see cref="Backward"/> does not follow it.
    /// </summary>
    /// <exception cref="ArgumentException">The input does not fit, or the residual is not shaped like the output.</exception>
    public Tensor ForwardFused(Tensor input, Tensor? residual, bool relu)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = Run(input, residual, relu);
        _fused = residual is not null || relu;
        return output;
    }

    /// <summary>
    /// The forward pass with a ReLU in its output pass, for training too: <see cref="Backward"/> then takes the
    /// gradient with respect to the convolution's output before the ReLU, which the ReLU layer after it computes from
    /// this output (<see cref="ReLU.ForwardRectified"/>).
    /// </summary>
    internal Tensor ForwardRelu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Run(input, null, relu: true);
    }

    private Tensor Run(Tensor input, Tensor? residual, bool relu)
    {
        string name = Name.Length > 0 ? Name : "Conv2d";
        TensorBuffers.RequireRank(input, 4, name, "N×{0}×H×W", InChannels);
        if (input.Dim(1) != InChannels)
            throw new ArgumentException($"{name}: expects {InChannels} channels, got {input}", nameof(input));
        var g = GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
        if (g.OutHeight <= 0 || g.OutWidth <= 0)
            throw new ArgumentException($"{name}: a {KernelSize}×{KernelSize} kernel does not fit {input} with padding {Padding}", nameof(input));
        if (residual is not null && (residual.Rank != 4 || residual.Dim(0) != g.Batch || residual.Dim(1) != OutChannels
            || residual.Dim(2) != g.OutHeight || residual.Dim(3) != g.OutWidth))
            throw new ArgumentException($"{name}: the residual {residual} is not shaped like the output ({g.Batch}×{OutChannels}×{g.OutHeight}×{g.OutWidth})", nameof(residual));
        _geometry = g;
        _input = input;
        _fused = false;
        _pooledInto = null;
        var output = TensorBuffers.Ensure(ref _output, g.Batch, OutChannels, g.OutHeight, g.OutWidth);
        Convolution.Forward(g, input.Data, _weight.Value.Data, _bias is null ? default : _bias.Value.Data,
            residual is null ? default : residual.Data, relu, output.Data, Compute, PackedWeights(), Training ? null : _winograd ??= new());
        return output;
    }

    /// <summary>
    /// Inference of <c>pool(act(conv(x) + b))</c> in one pass, the convolution's output never written (the pool's
    /// output is this layer's); null, with nothing run, when no kernel fuses the two for this input.
    /// </summary>
    internal Tensor? ForwardPooled(Tensor input, bool relu, MaxPool2d pool, float leakySlope = float.NaN)
    {
        if (Training || input.Rank != 4 || input.Dim(1) != InChannels) return null;
        var g = GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
        if (g.OutHeight <= 0 || g.OutWidth <= 0) return null;
        var (top, bottom) = pool.Padding.Resolve(g.OutHeight, pool.KernelSize, pool.Stride, vertical: true);
        var (left, right) = pool.Padding.Resolve(g.OutWidth, pool.KernelSize, pool.Stride, vertical: false);
        var p = new Ops.PoolGeometry(g.Batch * OutChannels, g.OutHeight, g.OutWidth, pool.KernelSize, pool.Stride, top, left, bottom, right);
        if (p.OutHeight <= 0 || p.OutWidth <= 0 || !Convolution.HandlesPooled(g, p)) return null;
        var output = TensorBuffers.Ensure(ref _pooled, g.Batch, OutChannels, p.OutHeight, p.OutWidth);
        _geometry = g;
        _input = input;
        _fused = true;
        _pooledInto = null;
        bool done = Convolution.TryForwardPooled(g, input.Data, _weight.Value.Data, _bias is null ? default : _bias.Value.Data,
            relu, leakySlope, p, output.Data, Compute, PackedWeights());
        return done ? output : null;
    }

    /// <summary>
    /// Training's <c>pool(relu(conv(x) + b))</c> for this layer, a ReLU and the plain 2×2 <paramref name="pool"/> in
    /// one pass when this layer needs no input gradient and its backward pass will go through the pool
    /// (<see cref="BackwardThroughPool"/>): the convolution's output is never written, the pool keeps the index of
    /// each window's maximum instead. Returns the pool's output, or null (nothing run) when the kernel does not take
    /// the pair; the same bits as the three layers one by one.
    /// </summary>
    internal Tensor? ForwardPooledTraining(Tensor input, MaxPool2d pool)
    {
        if (!Training || InputGradientNeeded || !_weight.Trainable || input.Rank != 4 || input.Dim(1) != InChannels) return null;
        var g = GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
        if (g.OutHeight <= 0 || g.OutWidth <= 0 || !Convolution.WeightGradientIsDirect(g)) return null;
        var (top, bottom) = pool.Padding.Resolve(g.OutHeight, pool.KernelSize, pool.Stride, vertical: true);
        var (left, right) = pool.Padding.Resolve(g.OutWidth, pool.KernelSize, pool.Stride, vertical: false);
        var p = new Ops.PoolGeometry(g.Batch * OutChannels, g.OutHeight, g.OutWidth, pool.KernelSize, pool.Stride, top, left, bottom, right);
        if (!DirectConvolution.HandlesPooledArgmax(g, p) || ChannelBlockedConvolution.HandlesPooled(g, p)) return null;
        var (output, argmax) = pool.PooledBy(this, p, g.Batch, OutChannels);
        _geometry = g;
        _input = input;
        _fused = false;
        _pooledInto = pool;
        Convolution.TryForwardPooledArgmax(g, input.Data, _weight.Value.Data, _bias is null ? default : _bias.Value.Data, p,
            output.Data, argmax, Compute);
        return output;
    }

    /// <summary>The packed weights when the layer may keep them (frozen, evaluation mode), else null.</summary>
    private PackedWeights? PackedWeights() => Kernels.PackedWeights.ForFrozen(ref _packed, ref _packedVersion, Training, _weight);

    /// <inheritdoc/>
    private protected override void TrainingChanged() => _packed = null;

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("Conv2d.Backward before Forward");
        if (_fused) throw new InvalidOperationException("Conv2d.Backward after ForwardFused: run Forward when training");
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        if (InputGradientNeeded) Convolution.BackwardInput(_geometry, gradOutput.Data, _weight.Value.Data, gradInput.Data, Compute);
        else gradInput.Clear();
        if (!_weight.Trainable) return gradInput;
        float[] gradBias = _bias is not null && _bias.Trainable ? _bias.Gradient.Data : [];
        if (Ops.SingleChannelConvWeightGrad.Handles(_geometry) && !Convolution.WeightGradientIsDirect(_geometry))
            (_singleChannel ??= new()).Run(_geometry, input.Data, gradOutput.Data, _weight.Gradient.Data, gradBias, Compute.Threads);
        else
            Convolution.BackwardWeight(_geometry, input.Data, gradOutput.Data, _weight.Gradient.Data, gradBias, Compute);
        return gradInput;
    }

    /// <summary>
    /// Whether <see cref="BackwardThroughPool"/> can stand for this layer's backward pass and the ReLU and
    /// <paramref name="pool"/> after it: no input gradient needed, trainable weights, the direct weight-gradient
    /// kernel, and the pool routing a ReLU's derivative from this layer's output.
    /// </summary>
    internal bool CanBackwardThroughPool(MaxPool2d pool) =>
        !InputGradientNeeded && !_fused && _weight.Trainable && _input is not null && Convolution.WeightGradientIsDirect(_geometry)
        && (_pooledInto is not null ? ReferenceEquals(_pooledInto, pool) && pool.RoutesPooledBy(this)
            : _output is not null && pool.RoutesRectified(_output));

    /// <summary>
    /// The backward pass of this layer, the ReLU after it and <paramref name="pool"/> after that in one: ∂W and ∂b
    /// from the pool's gradient routed a few images at a time into the weight-gradient kernel (the full-size
    /// gradient is never written); the same bits as the three layers one by one, except for one input channel, where
    /// <see cref="SingleChannelPooledWeightGradient"/> forms the same sums in another order from the pool's indices.
    /// Returns the (zero) input gradient.
    /// </summary>
    internal unsafe Tensor BackwardThroughPool(MaxPool2d pool, Tensor pooledGradient)
    {
        if (!CanBackwardThroughPool(pool)) throw new InvalidOperationException("Conv2d.BackwardThroughPool: the layers do not fuse");
        var input = _input!;
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        gradInput.Clear();
        float[] gradBias = _bias is not null && _bias.Trainable ? _bias.Gradient.Data : [];
        if (SingleChannelPooledWeightGradient.Handles(_geometry) && pool.PooledIndices(this) is var (pooled, argmax))
        {
            if (pooledGradient.Length != pooled.Length)
                throw new ArgumentException($"Conv2d: the pool's gradient {pooledGradient} does not match its output", nameof(pooledGradient));
            fixed (float* x = input.Data, y = pooled, gy = pooledGradient.Data, dw = _weight.Gradient.Data, db = gradBias)
            fixed (byte* a = argmax)
                SingleChannelPooledWeightGradient.Run(_geometry, x, y, gy, a, dw, gradBias.Length == 0 ? null : db, Compute.Threads);
            return gradInput;
        }
        var source = pool.GradientSource(pooledGradient);
        try
        {
            fixed (float* x = input.Data, dw = _weight.Gradient.Data, db = gradBias)
                DirectWeightGradient.Run(new ConvOperands(_geometry, x, dw, gradBias.Length == 0 ? null : db, null),
                    Compute.Threads, GemmBlocking.BestIsa, source);
        }
        finally { source.Clear(); }
        return gradInput;
    }
}
