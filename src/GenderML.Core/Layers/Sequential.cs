namespace GenderML.Core.Layers;

/// <summary>
/// Layers applied one after another; child <c>i</c>'s parameters are named <c>"i.weight"</c> and so on. In evaluation
/// mode neighbours are fused where the numbers stay the same (a ReLU into the convolution before or after it, a leaky
/// ReLU past the max pool after it); such a pass is for inference only. Training mode fuses too, bit for bit
/// (<see cref="ForwardAt"/>).
/// </summary>
public sealed class Sequential : Layer
{
    private readonly List<Layer> _layers = [];
    private bool _inference;
    // The max pool whose forward pass (and its ReLU's) the convolution two layers before it ran; −1 for none.
    private int _pooledAt = -1;

    /// <summary>Chains <paramref name="layers"/>, named 0, 1, 2, ….</summary>
    public Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Appends <paramref name="layer"/> under the next index.</summary>
    public Sequential Add(Layer layer)
    {
        _layers.Add(AddChild(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        return this;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        if (_layers.Count > 0) _layers[0].InputGradientNeeded = InputGradientNeeded;
        _inference = !Training;
        if (_inference) return InferenceFusion.Forward(_layers, x, null, out _);
        for (int i = 0; i < _layers.Count; i++) x = ForwardAt(i, x);
        return x;
    }

    /// <summary>
    /// Layer <paramref name="i"/>'s forward pass, with the fusions of neighbouring layers: a convolution followed by
    /// a ReLU runs the ReLU in its output pass (the ReLU then passes its input on); a ReLU followed by a max pool leaves
    /// its derivative to the pool's backward pass; a convolution that needs no input gradient, a ReLU and a plain 2×2
    /// max pool run as one pass (<see cref="Conv2d.ForwardPooledTraining"/>; the ReLU and the pool then pass its
    /// output on); a batch norm followed by a ReLU (not into a max pool) runs the ReLU in its output pass and its
    /// derivative in its backward pass (<see cref="BatchNorm2d.ForwardRelu"/>; the ReLU passes both on). Results are
    /// those of the layers one by one, bit for bit.
    /// </summary>
    internal Tensor ForwardAt(int i, Tensor x)
    {
        var layer = _layers[i];
        if (_pooledAt >= 0 && (i == _pooledAt - 1 || i == _pooledAt)) return x;
        if (layer is Conv2d first && i + 2 < _layers.Count && _layers[i + 1] is ReLU reluNext && _layers[i + 2] is MaxPool2d poolNext)
        {
            _pooledAt = -1;
            if (first.ForwardPooledTraining(x, poolNext) is { } pooled)
            {
                reluNext.BackwardDoneByNext = true;
                poolNext.RectifiedInput = true;
                _pooledAt = i + 2;
                return pooled;
            }
        }
        else if (layer is Conv2d) _pooledAt = -1;
        if (layer is ReLU relu)
        {
            bool intoPool = i + 1 < _layers.Count && _layers[i + 1] is MaxPool2d;
            relu.BackwardDoneByNext = intoPool;
            if (intoPool) ((MaxPool2d)_layers[i + 1]).RectifiedInput = true;
            if (i > 0 && _layers[i - 1] is BatchNorm2d && !intoPool) return relu.ForwardRectifiedAndDerived(x);
            return i > 0 && _layers[i - 1] is Conv2d ? relu.ForwardRectified(x) : relu.Forward(x);
        }
        if (layer is BatchNorm2d bn && i + 1 < _layers.Count && _layers[i + 1] is ReLU
            && !(i + 2 < _layers.Count && _layers[i + 2] is MaxPool2d))
            return bn.ForwardRelu(x);
        if (layer is MaxPool2d pool && (i == 0 || _layers[i - 1] is not ReLU)) pool.RectifiedInput = false;
        return layer is Conv2d conv && i + 1 < _layers.Count && _layers[i + 1] is ReLU ? conv.ForwardRelu(x) : layer.Forward(x);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var g = gradOutput;
        if (_inference) throw new InvalidOperationException("Sequential.Backward after an evaluation-mode forward pass (neighbouring layers fused): run Forward in training mode");
        for (int i = _layers.Count - 1; i >= 0; i = BackwardAt(i, ref g)) { }
        return g;
    }

    /// <summary>
    /// Layer <paramref name="i"/>'s backward pass, replacing <paramref name="gradient"/> with the gradient of its
    /// input; returns the next layer to run. A plain 2×2 max pool after a ReLU after a convolution that needs no input
    /// gradient runs as one pass of the three (<see cref="Conv2d.BackwardThroughPool"/>), the same bits.
    /// </summary>
    internal int BackwardAt(int i, ref Tensor gradient)
    {
        if (_layers[i] is MaxPool2d pool && i >= 2 && _layers[i - 1] is ReLU { BackwardDoneByNext: true }
            && _layers[i - 2] is Conv2d conv && conv.CanBackwardThroughPool(pool))
        {
            gradient = conv.BackwardThroughPool(pool, gradient);
            return i - 3;
        }
        gradient = _layers[i].Backward(gradient);
        return i - 1;
    }
}
