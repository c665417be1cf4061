namespace GenderML.Core.Layers;

/// <summary>How a convolution or pooling window pads its input with zeros (pooling: with values that never win).</summary>
public readonly record struct ConvPadding
{
    private ConvPadding(int kind, int height, int width) { Kind = kind; Height = height; Width = width; }

    private int Kind { get; }   // 0 explicit, 1 same

    /// <summary>Rows added at the top and at the bottom (explicit padding).</summary>
    public int Height { get; }

    /// <summary>Columns added at the left and at the right (explicit padding).</summary>
    public int Width { get; }

    /// <summary>No padding (TensorFlow's <c>valid</c>).</summary>
    public static ConvPadding Valid => new(0, 0, 0);

    /// <summary>
    /// TensorFlow's <c>same</c>: output size ⌈input / stride⌉; the total padding
    /// <c>max((out − 1)·stride + kernel − input, 0)</c> is split with the odd pixel at the bottom/right.
    /// </summary>
    public static ConvPadding Same => new(1, 0, 0);

    /// <summary>PyTorch's symmetric padding: <paramref name="size"/> on every side.</summary>
    public static ConvPadding Symmetric(int size) => Symmetric(size, size);

    /// <summary>PyTorch's symmetric padding: <paramref name="height"/> rows top and bottom, <paramref name="width"/> columns left and right.</summary>
    public static ConvPadding Symmetric(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        return new(0, height, width);
    }

    /// <summary>The padding before and after along one axis of length <paramref name="size"/>.</summary>
    internal (int Before, int After) Resolve(int size, int kernel, int stride, bool vertical)
    {
        if (Kind == 0) { int p = vertical ? Height : Width; return (p, p); }
        int output = (size + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == 1 ? "same" : Height == 0 && Width == 0 ? "valid" : $"({Height}, {Width})";
}
