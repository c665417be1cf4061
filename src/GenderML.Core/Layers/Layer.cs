namespace GenderML.Core.Layers;

/// <summary>
/// A differentiable step of a network: its parameters plus one computation, with the forward pass and
/// the backward pass side by side. Forward caches what backward needs; backward returns ∂loss/∂input
/// and <b>adds</b> ∂loss/∂parameter into each <see cref="Parameter.Gradient"/>.
/// </summary>
/// <remarks>
/// Outputs and input gradients live in buffers the layer owns and reuses from step to step (a new batch
/// size reallocates them), so a returned tensor is valid until the layer's next call. The input given to
/// <see cref="Forward"/> must stay unchanged until the matching <see cref="Backward"/>.
/// </remarks>
public abstract class Layer
{
    private readonly List<(string Local, Parameter Value)> _parameters = [];
    private readonly List<(string Local, Parameter Value)> _buffers = [];
    private readonly List<(string Local, Layer Value)> _children = [];

    /// <summary>The dotted path of this layer inside its network (empty at the root).</summary>
    public string Name { get; private set; } = "";

    /// <summary>True in training mode (batch statistics, dropout on); false in evaluation mode.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>
    /// When false, <see cref="Backward"/> may skip ∂loss/∂input and return zeros instead: for the first layer of a
    /// network, whose input is data. Composites pass it on to their first layer.
    /// </summary>
    public bool InputGradientNeeded { get; set; } = true;

    /// <summary>How many threads the kernels may use.</summary>
    public ComputeOptions Compute { get; private set; } = new();

    /// <summary>Computes the output of a batch and remembers what <see cref="Backward"/> needs.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// From ∂loss/∂output of the last <see cref="Forward"/>, returns ∂loss/∂input and adds
    /// ∂loss/∂parameter into the parameters' gradients.
    /// </summary>
    public abstract Tensor Backward(Tensor gradOutput);

    /// <summary>The learned parameters of this layer and its children, in a fixed order.</summary>
    public IReadOnlyList<Parameter> Parameters()
    {
        var list = new List<Parameter>();
        Collect(list, buffers: false);
        return list;
    }

    /// <summary>Tensors that are state but not learned by gradient (batch-norm running averages), in a fixed order.</summary>
    public IReadOnlyList<Parameter> Buffers()
    {
        var list = new List<Parameter>();
        Collect(list, buffers: true);
        return list;
    }

    /// <summary>Every named tensor a saved model needs: <see cref="Parameters"/> then <see cref="Buffers"/>.</summary>
    public IReadOnlyList<Parameter> State() => [.. Parameters(), .. Buffers()];

    /// <summary>Sets every parameter gradient of this layer and its children to zero.</summary>
    public void ZeroGradients()
    {
        foreach (var (_, p) in _parameters) p.ZeroGradient();
        foreach (var (_, c) in _children) c.ZeroGradients();
    }

    /// <summary>Switches this layer and its children to training (true) or evaluation (false) mode.</summary>
    public void SetTraining(bool training)
    {
        Training = training;
        TrainingChanged();
        foreach (var (_, c) in _children) c.SetTraining(training);
    }

    /// <summary>Called after <see cref="SetTraining"/> sets <see cref="Training"/>: drop what was cached for the other mode.</summary>
    private protected virtual void TrainingChanged() { }

    /// <summary>Sets the threads this layer and its children may use.</summary>
    public void SetCompute(ComputeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Compute = options;
        foreach (var (_, c) in _children) c.SetCompute(options);
    }

    /// <summary>Registers a learned parameter under <paramref name="localName"/> (e.g. <c>weight</c>).</summary>
    protected Parameter AddParameter(string localName, Tensor value)
    {
        var p = new Parameter(Join(Name, localName), value);
        _parameters.Add((localName, p));
        return p;
    }

    /// <summary>Registers a non-learned state tensor under <paramref name="localName"/>.</summary>
    protected Parameter AddBuffer(string localName, Tensor value)
    {
        var p = new Parameter(Join(Name, localName), value) { Trainable = false };
        _buffers.Add((localName, p));
        return p;
    }

    /// <summary>Adopts <paramref name="child"/> under <paramref name="localName"/>, prefixing its parameter names.</summary>
    protected T AddChild<T>(string localName, T child) where T : Layer
    {
        ArgumentNullException.ThrowIfNull(child);
        _children.Add((localName, child));
        child.Rename(Join(Name, localName));
        child.SetTraining(Training);
        child.SetCompute(Compute);
        return child;
    }

    private void Rename(string name)
    {
        Name = name;
        foreach (var (local, p) in _parameters) p.Name = Join(name, local);
        foreach (var (local, p) in _buffers) p.Name = Join(name, local);
        foreach (var (local, c) in _children) c.Rename(Join(name, local));
    }

    private void Collect(List<Parameter> list, bool buffers)
    {
        foreach (var (_, p) in buffers ? _buffers : _parameters) list.Add(p);
        foreach (var (_, c) in _children) c.Collect(list, buffers);
    }

    private static string Join(string prefix, string local) => prefix.Length == 0 ? local : prefix + "." + local;
}
