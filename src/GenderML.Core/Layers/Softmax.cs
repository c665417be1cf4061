using System.Numerics.Tensors;

namespace GenderML.Core.Layers;

/// <summary>
/// Softmax over the last axis: <c>y[r,i] = e^(x[r,i] − max_r) / Σ_j e^(x[r,j] − max_r)</c>;
/// backward <c>∂x[r,i] = y[r,i] (∂y[r,i] − Σ_j y[r,j] ∂y[r,j])</c>.
/// </summary>
public sealed class Softmax : Layer
{
    private Tensor? _output, _gradInput;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 0) throw new ArgumentException("Softmax: expects at least one axis", nameof(input));
        var output = TensorBuffers.EnsureLike(ref _output, input);
        int cols = input.Dim(input.Rank - 1);
        if (cols == 0) return output;
        for (int r = 0; r < input.Length / cols; r++)
            TensorPrimitives.SoftMax(input.Data.AsSpan(r * cols, cols), output.Data.AsSpan(r * cols, cols));
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var output = _output ?? throw new InvalidOperationException("Softmax.Backward before Forward");
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, output);
        int cols = output.Dim(output.Rank - 1);
        if (cols == 0) return gradInput;
        for (int r = 0; r < output.Length / cols; r++)
        {
            var y = output.Data.AsSpan(r * cols, cols);
            var dy = gradOutput.Data.AsSpan(r * cols, cols);
            var dx = gradInput.Data.AsSpan(r * cols, cols);
            float dot = TensorPrimitives.Dot(y, dy);
            TensorPrimitives.Subtract(dy, dot, dx);
            TensorPrimitives.Multiply(dx, y, dx);
        }
        return gradInput;
    }
}
