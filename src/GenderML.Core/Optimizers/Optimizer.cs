namespace GenderML.Core.Optimizers;

/// <summary>
/// Updates the values of a fixed list of parameters from their gradients, one <see cref="Step"/> per batch.
/// Parameters with <see cref="Parameter.Trainable"/> false are skipped (their state stays as it was).
/// </summary>
/// <remarks>
/// State (momentum buffers, moment estimates, step counts) is allocated once, in the constructor;
/// <see cref="Step"/> allocates nothing. <see cref="ExportState"/> and <see cref="ImportState"/> move the state
/// as named tensors, so a checkpoint can resume training bit-identically.
/// </remarks>
public abstract class Optimizer
{
    private readonly Parameter[] _parameters;
    private readonly List<KeyValuePair<string, Tensor>> _state = [];
    private double _learningRate;

    private protected Optimizer(IReadOnlyList<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Parameter p in _parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!names.Add(p.Name))
                throw new ArgumentException($"parameter '{p.Name}' appears twice; give every parameter a unique name", nameof(parameters));
        }
        LearningRate = learningRate;
    }

    /// <summary>The parameters this optimizer updates, in order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The learning rate used by the next <see cref="Step"/>; a schedule sets it before each step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!double.IsFinite(value) || value < 0)
                throw new ArgumentOutOfRangeException(nameof(value), $"the learning rate must be finite and ≥ 0, got {value}");
            _learningRate = value;
        }
    }

    /// <summary>Applies one update to every trainable parameter from its current gradient. Allocates nothing.</summary>
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
            if (_parameters[i].Trainable) Update(i, _parameters[i]);
    }

    /// <summary>Sets the gradient of every parameter (trainable or not) to zero.</summary>
    public void ZeroGradients()
    {
        foreach (Parameter p in _parameters) p.ZeroGradient();
    }

    /// <summary>
    /// A copy of the optimizer's state as named tensors (e.g. <c>features.0.weight.exp_avg</c>), ready for
    /// a safetensors file. Empty for an optimizer without state.
    /// </summary>
    public Dictionary<string, Tensor> ExportState()
    {
        SyncStateOut();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in _state) result.Add(name, tensor.Clone());
        return result;
    }

    /// <summary>
    /// Replaces the optimizer's state with <paramref name="state"/>, as produced by <see cref="ExportState"/> of an
    /// optimizer of the same kind over parameters of the same names and shapes. Nothing changes on error.
    /// </summary>
    /// <exception cref="InvalidDataException">A tensor is missing, extra or misshapen; the message names each.</exception>
    public void ImportState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var expected = new List<KeyValuePair<string, int[]>>(_state.Count);
        foreach (var (name, tensor) in _state) expected.Add(new(name, tensor.ShapeArray()));
        var found = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, tensor) in state) found.Add(name, tensor.ShapeArray());
        Serialization.TensorSetCheck.ThrowIfMismatched($"the {GetType().Name} state does not match its parameters", expected, found);
        foreach (var (name, tensor) in _state) state[name].Data.CopyTo(tensor.Data, 0);
        SyncStateIn();
    }

    /// <summary>Updates parameter <paramref name="index"/> (which is trainable) in place.</summary>
    private protected abstract void Update(int index, Parameter parameter);

    /// <summary>Registers a state tensor under <paramref name="name"/>; called from constructors only.</summary>
    private protected Tensor AddState(string name, params int[] shape)
    {
        var tensor = new Tensor(shape);
        _state.Add(new(name, tensor));
        return tensor;
    }

    /// <summary>Copies state kept outside registered tensors (e.g. step counts) into them before export.</summary>
    private protected virtual void SyncStateOut()
    {
    }

    /// <summary>Reads state kept outside registered tensors back from them after import.</summary>
    private protected virtual void SyncStateIn()
    {
    }
}
