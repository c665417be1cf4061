namespace GenderML.Core.Layers;

/// <summary>Views an N×… batch as N×(product of the rest), without copying; backward views the gradient back.</summary>
public sealed class Flatten : Layer
{
    private Tensor? _input, _outputView, _gradView;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank < 1) throw new ArgumentException("Flatten: expects a batch axis", nameof(input));
        _input = input;
        int n = input.Dim(0);
        int rest = n == 0 ? 0 : input.Length / n;
        return View(ref _outputView, input.Data, n, rest);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("Flatten.Backward before Forward");
        if (_gradView is null || !ReferenceEquals(_gradView.Data, gradOutput.Data) || !_gradView.Shape.SequenceEqual(input.Shape))
            _gradView = new Tensor(input.ShapeArray(), gradOutput.Data);
        return _gradView;
    }

    private static Tensor View(ref Tensor? view, float[] data, int n, int rest)
    {
        if (view is null || !ReferenceEquals(view.Data, data) || view.Dim(0) != n || view.Dim(1) != rest)
            view = new Tensor([n, rest], data);
        return view;
    }
}
