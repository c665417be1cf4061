using GenderML.Core.Ops;

namespace GenderML.Core.Layers;

/// <summary>
/// A per-channel affine map of an N×C×H×W batch, <c>y[n,c,h,w] = scale[c] · x[n,c,h,w] + shift[c]</c>:
/// a batch normalisation folded for inference, or a learned per-channel scale.
/// </summary>
public sealed class ChannelAffine : Layer
{
    private readonly Parameter _scale, _shift;
    private Tensor? _input, _output, _gradInput;

    /// <summary>Creates the identity map (scale 1, shift 0) over <paramref name="channels"/> channels.</summary>
    public ChannelAffine(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        Channels = channels;
        var ones = new Tensor(channels);
        ones.AsSpan().Fill(1f);
        _scale = AddParameter("scale", ones);
        _shift = AddParameter("shift", new Tensor(channels));
    }

    /// <summary>The same map as <paramref name="batchNorm"/> in evaluation mode: scale = γ/√(running var + ε), shift = β − mean·scale.</summary>
    public static ChannelAffine FromBatchNorm(BatchNorm2d batchNorm)
    {
        ArgumentNullException.ThrowIfNull(batchNorm);
        var affine = new ChannelAffine(batchNorm.Channels);
        for (int c = 0; c < batchNorm.Channels; c++)
        {
            float scale = batchNorm.Weight.Value.Data[c] / MathF.Sqrt(batchNorm.RunningVar.Value.Data[c] + batchNorm.Epsilon);
            affine._scale.Value.Data[c] = scale;
            affine._shift.Value.Data[c] = batchNorm.Bias.Value.Data[c] - batchNorm.RunningMean.Value.Data[c] * scale;
        }
        return affine;
    }

    /// <summary>Channels mapped.</summary>
    public int Channels { get; }

    /// <summary>The scale per channel.</summary>
    public Parameter Scale => _scale;

    /// <summary>The shift per channel.</summary>
    public Parameter Shift => _shift;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        TensorBuffers.RequireRank(input, 4, Name.Length > 0 ? Name : "ChannelAffine", "N×{0}×H×W", Channels);
        if (input.Dim(1) != Channels) throw new ArgumentException($"ChannelAffine: expects {Channels} channels, got {input}", nameof(input));
        _input = input;
        var output = TensorBuffers.EnsureLike(ref _output, input);
        int n = input.Dim(0), hw = input.Dim(2) * input.Dim(3);
        for (int s = 0; s < n; s++)
        for (int c = 0; c < Channels; c++)
        {
            int o = (s * Channels + c) * hw;
            ChannelOps.Affine(input.Data.AsSpan(o, hw), _scale.Value.Data[c], _shift.Value.Data[c], output.Data.AsSpan(o, hw));
        }
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("ChannelAffine.Backward before Forward");
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        int n = input.Dim(0), hw = input.Dim(2) * input.Dim(3);
        for (int c = 0; c < Channels; c++)
        {
            double sumDy = 0, sumDyX = 0;
            for (int s = 0; s < n; s++)
            {
                int o = (s * Channels + c) * hw;
                var dy = gradOutput.Data.AsSpan(o, hw);
                sumDy += System.Numerics.Tensors.TensorPrimitives.Sum(dy);
                sumDyX += System.Numerics.Tensors.TensorPrimitives.Dot(dy, input.Data.AsSpan(o, hw));
                System.Numerics.Tensors.TensorPrimitives.Multiply(dy, _scale.Value.Data[c], gradInput.Data.AsSpan(o, hw));
            }
            if (_scale.Trainable) _scale.Gradient.Data[c] += (float)sumDyX;
            if (_shift.Trainable) _shift.Gradient.Data[c] += (float)sumDy;
        }
        return gradInput;
    }
}
