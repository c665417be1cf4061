using System.Numerics.Tensors;

namespace GenderML.Core.Layers;

/// <summary>
/// A residual connection: <c>y = main(x) + shortcut(x)</c>, the shortcut being the identity when null; children named
/// <c>main</c> and <c>shortcut</c>. Both branches must give the same shape.
/// </summary>
public sealed class Residual : Layer
{
    private readonly Layer _main;
    private readonly Layer? _shortcut;
    private Tensor? _output, _gradInput;

    /// <summary>Creates <c>main(x) + shortcut(x)</c>; <paramref name="shortcut"/> null is <c>main(x) + x</c>.</summary>
    public Residual(Layer main, Layer? shortcut = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        _main = AddChild("main", main);
        if (shortcut is not null) _shortcut = AddChild("shortcut", shortcut);
    }

    /// <summary>The main branch.</summary>
    public Layer Main => _main;

    /// <summary>The shortcut branch, or null for the identity.</summary>
    public Layer? Shortcut => _shortcut;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (!Training && FusedForward(input) is { } fused) return fused;
        var main = _main.Forward(input);
        return Add(main, _shortcut is null ? input : _shortcut.Forward(input));
    }

    /// <summary>
    /// Inference with the add in an output pass: a convolution shortcut runs first, while its input is in cache, and
    /// the main branch's last layer adds it when that is a convolution or a max pool (else the shortcut adds the main
    /// branch's output); an identity shortcut is added by the main branch's last convolution. Null when none applies.
    /// </summary>
    private Tensor? FusedForward(Tensor input)
    {
        if (_shortcut is Conv2d first && _main is Sequential branch && InferenceFusion.TakesResidual(branch.Layers))
        {
            var shortcut = first.Forward(input);
            var y = InferenceFusion.Forward(branch.Layers, input, shortcut, out bool sum);
            return sum ? y : Add(y, shortcut);
        }
        if (_shortcut is Conv2d conv)
        {
            var main = _main.Forward(input);
            var g = conv.GeometryFor(input.Dim(0), input.Dim(2), input.Dim(3));
            if (main.Rank != 4 || main.Dim(0) != g.Batch || main.Dim(1) != conv.OutChannels
                || main.Dim(2) != g.OutHeight || main.Dim(3) != g.OutWidth)
            {
                string name = Name.Length > 0 ? Name : "Residual";
                throw new ArgumentException(
                    $"{name}: main branch gives {main}, shortcut {g.Batch}×{conv.OutChannels}×{g.OutHeight}×{g.OutWidth}",
                    nameof(input));
            }
            return conv.ForwardFused(input, main, relu: false);
        }
        if (_shortcut is not null || _main is not Sequential chain) return null;
        var z = InferenceFusion.Forward(chain.Layers, input, input, out bool added);
        return added ? z : Add(z, input);
    }

    /// <summary><c>main + shortcut</c> into this layer's output.</summary>
    private Tensor Add(Tensor main, Tensor shortcut)
    {
        if (!main.Shape.SequenceEqual(shortcut.Shape))
        {
            string name = Name.Length > 0 ? Name : "Residual";
            throw new ArgumentException($"{name}: main branch gives {main}, shortcut {shortcut}");
        }
        var output = TensorBuffers.EnsureLike(ref _output, main);
        TensorPrimitives.Add(main.Data, shortcut.Data, output.Data);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        _ = _output ?? throw new InvalidOperationException("Residual.Backward before Forward");
        var gMain = _main.Backward(gradOutput);
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, gMain);
        if (_shortcut is null) TensorPrimitives.Add(gMain.Data, gradOutput.Data, gradInput.Data);
        else TensorPrimitives.Add(gMain.Data, _shortcut.Backward(gradOutput).Data, gradInput.Data);
        return gradInput;
    }
}
