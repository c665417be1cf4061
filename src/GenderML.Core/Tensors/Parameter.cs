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

    /// <summary>When false, optimizers leave this parameter alone (a frozen backbone).</summary>
    public bool Trainable { get; set; } = true;

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGradient() => Gradient.Clear();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value}";
}
