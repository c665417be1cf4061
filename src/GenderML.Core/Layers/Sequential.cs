namespace GenderML.Core.Layers;

/// <summary>Layers applied one after another; child <c>i</c>'s parameters are named <c>"i.weight"</c> and so on.</summary>
/// <remarks>
/// In evaluation mode a <see cref="Conv2d"/> followed by a <see cref="ReLU"/> runs as one pass
/// (<see cref="Conv2d.ForwardFused"/>): <see cref="Backward"/> does not follow such a forward pass.
/// </remarks>
public sealed class Sequential : Layer
{
    private readonly List<Layer> _layers = [];
    private bool _fused;

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
        _fused = false;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i] is Conv2d { Training: false } conv && i + 1 < _layers.Count && _layers[i + 1] is ReLU { Training: false })
            {
                x = conv.ForwardFused(x, null, relu: true);
                _fused = true;
                i++;
            }
            else x = _layers[i].Forward(x);
        }
        return x;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var g = gradOutput;
        if (_fused) throw new InvalidOperationException("Sequential.Backward after an evaluation-mode forward pass (convolution and ReLU fused): run Forward in training mode");
        for (int i = _layers.Count - 1; i >= 0; i--) g = _layers[i].Backward(g);
        return g;
    }
}
