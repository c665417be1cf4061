using System.Numerics.Tensors;

namespace GenderML.Core.Layers;

/// <summary>Global average pooling: N×C×H×W → N×C with <c>y[n,c] = mean over (h,w) of x[n,c,h,w]</c>.</summary>
public sealed class GlobalAvgPool : Layer
{
    private Tensor? _input, _output, _gradInput;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        TensorBuffers.RequireRank(input, 4, "GlobalAvgPool", "N×C×H×W");
        _input = input;
        int n = input.Dim(0), c = input.Dim(1), hw = input.Dim(2) * input.Dim(3);
        var output = TensorBuffers.Ensure(ref _output, n, c);
        for (int i = 0; i < n * c; i++) output.Data[i] = TensorPrimitives.Sum(input.Data.AsSpan(i * hw, hw)) / hw;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("GlobalAvgPool.Backward before Forward");
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        int nc = input.Dim(0) * input.Dim(1), hw = input.Dim(2) * input.Dim(3);
        for (int i = 0; i < nc; i++) gradInput.Data.AsSpan(i * hw, hw).Fill(gradOutput.Data[i] / hw);
        return gradInput;
    }
}
