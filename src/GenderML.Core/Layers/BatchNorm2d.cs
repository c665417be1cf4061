using System.Numerics.Tensors;
using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary>
/// Batch normalisation per channel of an N×C×H×W batch: <c>y = γ (x − μ) / √(σ² + ε) + β</c>. In training, μ and σ²
/// are the batch's mean and biased variance over (N, H, W), and the running averages move by
/// <c>r ← (1 − momentum) r + momentum · batch</c> (the variance unbiased, as in PyTorch); in evaluation they replace μ and σ².
/// </summary>
/// <remarks>
/// The layers around it may fold their element-wise passes into its output pass (<see cref="ForwardRelu"/>,
/// <see cref="ForwardAddRelu"/>); <see cref="Backward"/> then also applies the ReLU's derivative, in the pass that
/// sums the gradient.
/// </remarks>
public sealed class BatchNorm2d : Layer
{
    private readonly Parameter _weight, _bias, _runningMean, _runningVar;
    private readonly float[] _mean, _invStd, _scale, _shift;
    private readonly PartitionedLoop _loop = new();
    private readonly Action<int, int> _forwardPart, _backwardPart, _reluBackwardPart;
    // Planes smaller than this take a ReLU's derivative in a pass of its own before the sums, not a call per plane.
    private const int SmallPlane = 1024, Chunk = 16384;
    private bool _residualGradientDone;
    private Tensor? _input, _output, _gradInput, _gradOutput, _residual, _gradResidual;
    private bool _usedBatchStats;
    private Epilogue _epilogue;
    [ThreadStatic] private static float[]? t_plane;

    /// <summary>What the output pass applies after the affine map.</summary>
    private enum Epilogue { None, Relu, AddRelu }

    /// <summary>Creates the layer with γ = 1, β = 0, running mean 0 and running variance 1.</summary>
    public BatchNorm2d(int channels, float epsilon = 1e-5f, float momentum = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        Channels = channels;
        Epsilon = epsilon;
        Momentum = momentum;
        var ones = new Tensor(channels);
        ones.AsSpan().Fill(1f);
        _weight = AddParameter("weight", ones);
        _bias = AddParameter("bias", new Tensor(channels));
        _runningMean = AddBuffer("running_mean", new Tensor(channels));
        var var1 = new Tensor(channels);
        var1.AsSpan().Fill(1f);
        _runningVar = AddBuffer("running_var", var1);
        _mean = new float[channels];
        _invStd = new float[channels];
        _scale = new float[channels];
        _shift = new float[channels];
        _forwardPart = ForwardChannels;
        _backwardPart = BackwardChannels;
        _reluBackwardPart = (start, end) =>
        {
            int from = start * Chunk, length = Math.Min(end * Chunk, _output!.Length) - from;
            Elementwise.ReluBackward(_output.Data.AsSpan(from, length), _gradOutput!.Data.AsSpan(from, length),
                _gradResidual!.Data.AsSpan(from, length));
        };
    }

    /// <summary>Channels normalised.</summary>
    public int Channels { get; }

    /// <summary>ε added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>Weight of the current batch in the running averages.</summary>
    public float Momentum { get; }

    /// <summary>γ, the scale per channel.</summary>
    public Parameter Weight => _weight;

    /// <summary>β, the shift per channel.</summary>
    public Parameter Bias => _bias;

    /// <summary>The running mean per channel.</summary>
    public Parameter RunningMean => _runningMean;

    /// <summary>The running (unbiased) variance per channel.</summary>
    public Parameter RunningVar => _runningVar;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Run(input, null, Epilogue.None);

    /// <summary>
    /// <c>max(bn(x), 0)</c>, the ReLU in the output pass: the same bits as this layer and a <see cref="ReLU"/> one after
    /// the other. <see cref="Backward"/> then takes ∂loss/∂output of the ReLU and applies its derivative itself.
    /// </summary>
    internal Tensor ForwardRelu(Tensor input) => Run(input, null, Epilogue.Relu);

    /// <summary>
    /// <c>max(bn(x) + residual, 0)</c> in the output pass (a residual block's end), <paramref name="residual"/> shaped
    /// like the input: the same bits as the three passes one after the other. <see cref="Backward"/> then takes
    /// ∂loss/∂output of the ReLU, applies its derivative and leaves the residual's gradient in
    /// <see cref="ResidualGradient"/>.
    /// </summary>
    internal Tensor ForwardAddRelu(Tensor input, Tensor residual)
    {
        if (!residual.Shape.SequenceEqual(input.Shape))
        {
            string name = Name.Length > 0 ? Name : "BatchNorm2d";
            throw new ArgumentException($"{name}: residual shapes differ, {input} and {residual}", nameof(residual));
        }
        return Run(input, residual, Epilogue.AddRelu);
    }

    /// <summary>After <see cref="Backward"/> of a <see cref="ForwardAddRelu"/> pass: ∂loss/∂residual (the ReLU's
    /// derivative applied to the output's gradient).</summary>
    internal Tensor ResidualGradient =>
        _gradResidual ?? throw new InvalidOperationException("BatchNorm2d.ResidualGradient before Backward");

    private Tensor Run(Tensor input, Tensor? residual, Epilogue epilogue)
    {
        string name = Name.Length > 0 ? Name : "BatchNorm2d";
        TensorBuffers.RequireRank(input, 4, name, "N×{0}×H×W", Channels);
        if (input.Dim(1) != Channels) throw new ArgumentException($"{name}: expects {Channels} channels, got {input}", nameof(input));
        _input = input;
        TensorBuffers.EnsureLike(ref _output, input);
        _usedBatchStats = Training;
        _epilogue = epilogue;
        _residual = residual;
        _loop.Run(_forwardPart, Channels, Compute.Threads);
        _residual = null;
        return _output!;
    }

    private void ForwardChannels(int start, int end)
    {
        var input = _input!;
        var output = _output!;
        int n = input.Dim(0), hw = input.Dim(2) * input.Dim(3);
        long count = (long)n * hw;
        var x = input.Data;
        for (int c = start; c < end; c++)
        {
            float mean, variance;
            if (_usedBatchStats)
            {
                double sum = 0;
                for (int s = 0; s < n; s++) sum += TensorPrimitives.Sum(x.AsSpan((s * Channels + c) * hw, hw));
                mean = (float)(sum / count);
                double sq = 0;
                for (int s = 0; s < n; s++) sq += ChannelOps.SumSquaredDeviation(x.AsSpan((s * Channels + c) * hw, hw), mean);
                variance = (float)(sq / count);
                float m = Momentum;
                _runningMean.Value.Data[c] = (1 - m) * _runningMean.Value.Data[c] + m * mean;
                float unbiased = count > 1 ? (float)(sq / (count - 1)) : variance;
                _runningVar.Value.Data[c] = (1 - m) * _runningVar.Value.Data[c] + m * unbiased;
            }
            else
            {
                mean = _runningMean.Value.Data[c];
                variance = _runningVar.Value.Data[c];
            }
            float invStd = 1f / MathF.Sqrt(variance + Epsilon);
            _mean[c] = mean;
            _invStd[c] = invStd;
            float a = _weight.Value.Data[c] * invStd, b = _bias.Value.Data[c] - mean * a;
            _scale[c] = a;
            _shift[c] = b;
            for (int s = n - 1; s >= 0; s--) // the planes the statistics read last first, while they are in cache
            {
                int o = (s * Channels + c) * hw;
                switch (_epilogue)
                {
                    case Epilogue.Relu: ChannelOps.AffineRelu(x.AsSpan(o, hw), a, b, output.Data.AsSpan(o, hw)); break;
                    case Epilogue.AddRelu:
                        ChannelOps.AffineAddRelu(x.AsSpan(o, hw), a, b, _residual!.Data.AsSpan(o, hw),
                            output.Data.AsSpan(o, hw));
                        break;
                    default: ChannelOps.Affine(x.AsSpan(o, hw), a, b, output.Data.AsSpan(o, hw)); break;
                }
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("BatchNorm2d.Backward before Forward");
        TensorBuffers.EnsureLike(ref _gradInput, input);
        if (_epilogue == Epilogue.AddRelu) TensorBuffers.EnsureLike(ref _gradResidual, input);
        _gradOutput = gradOutput;
        _residualGradientDone = _epilogue == Epilogue.AddRelu && input.Dim(2) * input.Dim(3) < SmallPlane;
        if (_residualGradientDone) _loop.Run(_reluBackwardPart, (input.Length + Chunk - 1) / Chunk, Compute.Threads);
        _loop.Run(_backwardPart, Channels, Compute.Threads);
        _gradOutput = null;
        return _gradInput!;
    }

    private void BackwardChannels(int start, int end)
    {
        var input = _input!;
        int n = input.Dim(0), hw = input.Dim(2) * input.Dim(3);
        float count = (float)n * hw;
        var x = input.Data;
        var dy = _gradOutput!.Data;
        var dx = _gradInput!.Data;
        var output = _output!.Data;
        // The gradient of the affine map's output, plane by plane: dy itself, or dy through the ReLU (into a scratch
        // plane, the mask recomputed from x, or into the residual's gradient, the mask read from the output).
        var plane = _epilogue != Epilogue.Relu ? null : t_plane is { } p && p.Length >= hw ? p : t_plane = new float[hw];
        float[] dz = _epilogue switch { Epilogue.Relu => plane!, Epilogue.AddRelu => _gradResidual!.Data, _ => dy };
        for (int c = start; c < end; c++)
        {
            float mean = _mean[c], invStd = _invStd[c], gamma = _weight.Value.Data[c];
            double sumDy = 0, sumDyXmu = 0;
            for (int s = 0; s < n; s++)
            {
                int o = (s * Channels + c) * hw, oz = DerivePlane(o, hw, c, x, dy, output, dz);
                sumDy += TensorPrimitives.Sum(dz.AsSpan(oz, hw));
                sumDyXmu += ChannelOps.DotDeviation(dz.AsSpan(oz, hw), x.AsSpan(o, hw), mean);
            }
            if (_weight.Trainable) _weight.Gradient.Data[c] += (float)(sumDyXmu * invStd);
            if (_bias.Trainable) _bias.Gradient.Data[c] += (float)sumDy;
            float a = gamma * invStd, b = 0f, k = 0f;
            if (_usedBatchStats)
            {
                // dx = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)),  x̂ = (x − μ)·invStd
                b = -a * invStd * invStd * (float)(sumDyXmu / count);
                k = -a * (float)(sumDy / count) - b * mean;
            }
            for (int s = n - 1; s >= 0; s--) // the planes the sums read last first, while they are in cache
            {
                int o = (s * Channels + c) * hw;
                int oz = _epilogue == Epilogue.Relu ? DerivePlane(o, hw, c, x, dy, output, dz) : o;
                ChannelOps.Combine(dz.AsSpan(oz, hw), x.AsSpan(o, hw), a, b, k, dx.AsSpan(o, hw));
            }
        }
    }

    /// <summary>Writes the gradient of the affine map's output for the plane at <paramref name="o"/> into
    /// <paramref name="dz"/> and returns its offset there (<paramref name="dz"/> is <paramref name="dy"/> itself
    /// without a ReLU).</summary>
    private int DerivePlane(int o, int hw, int c, float[] x, float[] dy, float[] output, float[] dz)
    {
        switch (_epilogue)
        {
            case Epilogue.Relu:
                ChannelOps.ReluBackwardOfAffine(x.AsSpan(o, hw), _scale[c], _shift[c], dy.AsSpan(o, hw),
                    dz.AsSpan(0, hw));
                return 0;
            case Epilogue.AddRelu:
                if (!_residualGradientDone)
                    Elementwise.ReluBackward(output.AsSpan(o, hw), dy.AsSpan(o, hw), dz.AsSpan(o, hw));
                return o;
            default:
                return o;
        }
    }
}
