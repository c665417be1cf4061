using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

/// <summary>A fully connected layer: <c>y[n,o] = b[o] + Σ_i x[n,i] · W[o,i]</c> on an N×InFeatures batch (PyTorch's <c>Linear</c>).</summary>
/// <remarks>
/// In evaluation mode with its weight frozen (<see cref="Parameter.Trainable"/> false), the layer packs the weights
/// for the GEMM on the first call and reuses them; setting <see cref="Parameter.Trainable"/> or switching the mode
/// drops the packed copy.
/// </remarks>
public sealed class Dense : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private Tensor? _input, _output, _gradInput;
    private PackedWeights? _packed;
    private int _packedVersion;

    /// <summary>Creates the layer with PyTorch's default initialisation, U(±1/√InFeatures), drawn from <paramref name="random"/>.</summary>
    public Dense(int inFeatures, int outFeatures, Random random, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        ArgumentNullException.ThrowIfNull(random);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = Init.DefaultBound(inFeatures);
        var w = new Tensor(outFeatures, inFeatures);
        Init.Uniform(w.Data, bound, random);
        _weight = AddParameter("weight", w);
        if (bias)
        {
            var b = new Tensor(outFeatures);
            Init.Uniform(b.Data, bound, random);
            _bias = AddParameter("bias", b);
        }
    }

    /// <summary>Features per input row.</summary>
    public int InFeatures { get; }

    /// <summary>Features per output row.</summary>
    public int OutFeatures { get; }

    /// <summary>The OutFeatures×InFeatures weight matrix.</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias vector, or null without bias.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        TensorBuffers.RequireRank(input, 2, Name.Length > 0 ? Name : "Dense", "N×{0}", InFeatures);
        if (input.Dim(1) != InFeatures)
            throw new ArgumentException($"{(Name.Length > 0 ? Name : "Dense")}: expects {InFeatures} features, got {input}", nameof(input));
        int n = input.Dim(0);
        _input = input;
        var output = TensorBuffers.Ensure(ref _output, n, OutFeatures);
        if (PackedWeights.ForFrozen(ref _packed, ref _packedVersion, Training, _weight) is { } packed) MultiplyPacked(packed, input, output);
        else if (Training && DenseKernels.ForwardApplies(n, InFeatures, OutFeatures)) ForwardInPlace(input, output);
        else Gemm.Multiply(false, true, n, OutFeatures, InFeatures, input.Data, InFeatures, _weight.Value.Data, InFeatures, output.Data, OutFeatures, false, Compute);
        if (_bias is not null)
        {
            var b = _bias.Value.Data.AsSpan();
            for (int r = 0; r < n; r++)
                System.Numerics.Tensors.TensorPrimitives.Add(output.Data.AsSpan(r * OutFeatures, OutFeatures), b, output.Data.AsSpan(r * OutFeatures, OutFeatures));
        }
        return output;
    }

    /// <summary><c>y = x·Wᵀ</c> with Wᵀ packed once (frozen weights, evaluation mode): the same products as <see cref="Gemm.Multiply"/>.</summary>
    private unsafe void MultiplyPacked(PackedWeights packed, Tensor input, Tensor output)
    {
        var blocking = GemmBlocking.For(GemmBlocking.BestIsa);
        fixed (float* x = input.Data, w = _weight.Value.Data, y = output.Data)
            GemmDriver.Run(blocking, false, true, input.Dim(0), OutFeatures, InFeatures, x, InFeatures, w, InFeatures, y, OutFeatures,
                false, Compute.Threads, packedB: packed.GemmTransposed(w, OutFeatures, InFeatures, blocking));
    }

    /// <summary><c>y = x·Wᵀ</c> with W read in place (training: W changes every step): the GEMM's sums.</summary>
    private unsafe void ForwardInPlace(Tensor input, Tensor output)
    {
        fixed (float* x = input.Data, w = _weight.Value.Data, y = output.Data)
            DenseKernels.Forward(input.Dim(0), InFeatures, OutFeatures, x, w, y, Compute.Threads);
    }

    /// <summary><c>∂x = ∂y·W</c> and <c>∂W += ∂yᵀ·x</c> in one pass over W's columns: the GEMM's sums.</summary>
    private unsafe void BackwardInPlace(Tensor input, Tensor gradOutput, Tensor gradInput)
    {
        fixed (float* dy = gradOutput.Data, w = _weight.Value.Data, x = input.Data, dx = gradInput.Data, dw = _weight.Gradient.Data)
            DenseKernels.Backward(input.Dim(0), InFeatures, OutFeatures, dy, w, x, dx, dw, Compute);
    }

    /// <inheritdoc/>
    private protected override void TrainingChanged() => _packed = null;

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("Dense.Backward before Forward");
        int n = input.Dim(0);
        var gradInput = TensorBuffers.Ensure(ref _gradInput, n, InFeatures);
        if (InputGradientNeeded && _weight.Trainable && DenseKernels.BackwardApplies(n, InFeatures, OutFeatures))
            BackwardInPlace(input, gradOutput, gradInput);
        else
        {
            if (InputGradientNeeded)
                Gemm.Multiply(false, false, n, InFeatures, OutFeatures, gradOutput.Data, OutFeatures, _weight.Value.Data, InFeatures, gradInput.Data, InFeatures, false, Compute);
            else gradInput.Clear();
            if (_weight.Trainable)
                Gemm.Multiply(true, false, OutFeatures, InFeatures, n, gradOutput.Data, OutFeatures, input.Data, InFeatures, _weight.Gradient.Data, InFeatures, true, Compute);
        }
        if (_bias is not null && _bias.Trainable)
        {
            var gb = _bias.Gradient.Data.AsSpan();
            for (int r = 0; r < n; r++)
                System.Numerics.Tensors.TensorPrimitives.Add(gb, gradOutput.Data.AsSpan(r * OutFeatures, OutFeatures), gb);
        }
        return gradInput;
    }
}
