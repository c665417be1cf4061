namespace GenderML.Core;

/// <summary>
/// A dense float32 array with a shape, stored contiguously in row-major order
/// (for images: NCHW, batch × channels × height × width).
/// </summary>
public sealed class Tensor
{
    private readonly int[] _shape;

    /// <summary>A zero-filled tensor of the given shape.</summary>
    public Tensor(params int[] shape)
        : this(shape, new float[ElementCount(shape)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    /// <exception cref="ArgumentException">The data's length is not the product of the shape.</exception>
    public Tensor(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = ElementCount(shape);
        if (data.Length != count)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} values, data has {data.Length}", nameof(data));
        _shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>The size of each dimension, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of values: the product of <see cref="Shape"/>.</summary>
    public int Length => Data.Length;

    /// <summary>The size of dimension <paramref name="axis"/>.</summary>
    public int Dim(int axis) => _shape[axis];

    /// <summary>The values as a span.</summary>
    public Span<float> AsSpan() => Data;

    /// <summary>True when <paramref name="shape"/> equals this tensor's shape.</summary>
    public bool HasShape(params int[] shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>A copy of the shape.</summary>
    public int[] ShapeArray() => (int[])_shape.Clone();

    /// <summary>The same values viewed with another shape of equal element count (no copy).</summary>
    public Tensor Reshape(params int[] shape) => new(shape, Data);

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new(_shape, (float[])Data.Clone());

    /// <summary>Sets every value to zero.</summary>
    public void Clear() => Array.Clear(Data);

    /// <inheritdoc/>
    public override string ToString() => $"Tensor[{string.Join(", ", _shape)}]";

    private static int ElementCount(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(shape), $"negative dimension in [{string.Join(", ", shape)}]");
            count *= d;
        }
        if (count > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(shape), $"[{string.Join(", ", shape)}] is too large");
        return (int)count;
    }
}
