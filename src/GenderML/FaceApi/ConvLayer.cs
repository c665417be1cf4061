using GenderML.Core;
using GenderML.Core.Kernels;

namespace GenderML.FaceApi;

/// <summary>
/// A convolution over NCHW feature maps with TensorFlow padding, a per-channel bias and an activation:
/// <c>y = act(conv(x, W) + b)</c>, one call into <see cref="Convolution.Forward"/>.
/// Weights are OIHW (<c>groups = channels</c> for depthwise). Per-channel affine steps that follow the
/// conv (dlib's scale layer, inference batch norm) are folded into W and b on construction.
/// </summary>
internal sealed class ConvLayer
{
    private readonly float[] _weight;
    private readonly float[] _bias;

    public ConvLayer(float[] weightOihw, float[]? bias, int inChannels, int outChannels, int kernel, int stride,
        Padding padding, Activation activation, int groups = 1, int explicitPad = 0)
    {
        _weight = weightOihw;
        _bias = bias ?? new float[outChannels];
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Activation = activation;
        Groups = groups;
        ExplicitPad = explicitPad;
        if (_weight.Length != outChannels * (inChannels / groups) * kernel * kernel || _bias.Length != outChannels)
            throw new ArgumentException("weight or bias length does not match the layer shape");
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int Kernel { get; }

    public int Stride { get; }

    public Padding Padding { get; }

    public Activation Activation { get; }

    public int Groups { get; }

    /// <summary>Zero padding added on all four sides before the TensorFlow padding is applied (tiny detector).</summary>
    public int ExplicitPad { get; }

    /// <summary>Folds <c>y·scale[o] + shift[o]</c> into the weights and bias: <c>W'[o] = W[o]·scale[o]</c>, <c>b'[o] = b[o]·scale[o] + shift[o]</c>.</summary>
    public ConvLayer FoldAffine(ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        var w = (float[])_weight.Clone();
        var b = (float[])_bias.Clone();
        int per = w.Length / OutChannels;
        for (int o = 0; o < OutChannels; o++)
        {
            for (int i = 0; i < per; i++) w[o * per + i] *= scale[o];
            b[o] = b[o] * scale[o] + shift[o];
        }

        return new ConvLayer(w, b, InChannels, OutChannels, Kernel, Stride, Padding, Activation, Groups, ExplicitPad);
    }

    public ConvGeometry Geometry(int batch, int height, int width)
    {
        int h = height + 2 * ExplicitPad, w = width + 2 * ExplicitPad;
        var (_, top, bottom) = TfPadding.Axis(Padding, h, Kernel, Stride);
        var (_, left, right) = TfPadding.Axis(Padding, w, Kernel, Stride);
        return new ConvGeometry(batch, InChannels, height, width, OutChannels, Kernel, Kernel, Stride, Stride,
            top + ExplicitPad, left + ExplicitPad, bottom + ExplicitPad, right + ExplicitPad, Groups);
    }

    /// <summary>Runs the layer on an NCHW batch.</summary>
    public Tensor Forward(Tensor x, ComputeOptions? options)
    {
        if (x.Dim(1) != InChannels)
            throw new ArgumentException($"layer expects {InChannels} channels, got {x.Dim(1)}");
        ConvGeometry g = Geometry(x.Dim(0), x.Dim(2), x.Dim(3));
        Tensor y = FeatureOps.Uninitialized(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        Convolution.Forward(g, x.Data, _weight, _bias, y.Data, options);
        Activations.Apply(Activation, y.Data);
        return y;
    }
}
