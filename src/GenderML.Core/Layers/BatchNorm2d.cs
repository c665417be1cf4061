using System.Numerics.Tensors;
using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary>
/// Batch normalisation per channel of an N×C×H×W batch: <c>y = γ (x − μ) / √(σ² + ε) + β</c>. In training, μ and σ²
/// are the batch's mean and biased variance over (N, H, W), and the running averages move by
/// <c>r ← (1 − momentum) r + momentum · batch</c> (the variance unbiased, as in PyTorch); in evaluation they replace μ and σ².
/// </summary>
public sealed class BatchNorm2d : Layer
{
    private readonly Parameter _weight, _bias, _runningMean, _runningVar;
    private readonly float[] _mean, _invStd;
    private readonly PartitionedLoop _loop = new();
    private readonly Action<int, int> _forwardPart, _backwardPart;
    private Tensor? _input, _output, _gradInput, _gradOutput;
    private bool _usedBatchStats;

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
        _forwardPart = ForwardChannels;
        _backwardPart = BackwardChannels;
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
    public override Tensor Forward(Tensor input)
    {
        string name = Name.Length > 0 ? Name : "BatchNorm2d";
        TensorBuffers.RequireRank(input, 4, name, "N×{0}×H×W", Channels);
        if (input.Dim(1) != Channels) throw new ArgumentException($"{name}: expects {Channels} channels, got {input}", nameof(input));
        _input = input;
        TensorBuffers.EnsureLike(ref _output, input);
        _usedBatchStats = Training;
        _loop.Run(_forwardPart, Channels, Compute.Threads);
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
            for (int s = 0; s < n; s++)
                ChannelOps.Affine(x.AsSpan((s * Channels + c) * hw, hw), a, b, output.Data.AsSpan((s * Channels + c) * hw, hw));
        }
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("BatchNorm2d.Backward before Forward");
        TensorBuffers.EnsureLike(ref _gradInput, input);
        _gradOutput = gradOutput;
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
        for (int c = start; c < end; c++)
        {
            float mean = _mean[c], invStd = _invStd[c], gamma = _weight.Value.Data[c];
            double sumDy = 0, sumDyXmu = 0;
            for (int s = 0; s < n; s++)
            {
                int o = (s * Channels + c) * hw;
                sumDy += TensorPrimitives.Sum(dy.AsSpan(o, hw));
                sumDyXmu += ChannelOps.DotDeviation(dy.AsSpan(o, hw), x.AsSpan(o, hw), mean);
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
            for (int s = 0; s < n; s++)
            {
                int o = (s * Channels + c) * hw;
                ChannelOps.Combine(dy.AsSpan(o, hw), x.AsSpan(o, hw), a, b, k, dx.AsSpan(o, hw));
            }
        }
    }
}
