namespace GenderML.Core;

/// <summary>A learned tensor and the gradient of the loss with respect to it, under a dotted name such as <c>features.0.weight</c>.</summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter whose gradient starts at zero.</summary>
    public Parameter(string name, Tensor value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Gradient = new Tensor(value.ShapeArray());
    }

    /// <summary>The dotted name, unique within a network.</summary>
    public string Name { get; internal set; }

    /// <summary>The current value.</summary>
    public Tensor Value { get; }

    /// <summary>∂loss/∂value, accumulated by backward passes until <see cref="ZeroGradient"/>.</summary>
    public Tensor Gradient { get; }

    /// <summary>
    /// When false, optimizers leave this parameter alone (a frozen backbone), and a layer in evaluation mode may keep
    /// a copy of it packed for its kernels: change a frozen parameter's values only after setting this flag again or
    /// switching the layer's mode, either of which drops such copies.
    /// </summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            Version++;
        }
    }

    private bool _trainable = true;

    /// <summary>Changes each time <see cref="Trainable"/> is set: packed copies made under another version are stale.</summary>
    internal int Version { get; private set; }

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGradient() => Gradient.Clear();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value}";
}
