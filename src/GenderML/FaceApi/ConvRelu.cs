using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>
/// <c>y = relu(conv(x))</c> as one layer: in evaluation mode the ReLU runs in the convolution's output pass
/// (<see cref="Conv2d.ForwardFused"/>); in training, the conv then a <see cref="ReLU"/>, forward and backward.
/// </summary>
internal sealed class ConvRelu : Layer
{
    private readonly Conv2d _conv;
    private readonly ReLU _relu = new();

    /// <summary>Wraps <paramref name="conv"/> (its parameters keep their names under <c>conv</c>).</summary>
    public ConvRelu(Conv2d conv) => _conv = AddChild("conv", conv);

    /// <summary>The convolution.</summary>
    public Conv2d Conv => _conv;

    public override Tensor Forward(Tensor input)
        => Training ? _relu.Forward(_conv.Forward(input)) : _conv.ForwardFused(input, null, relu: true);

    public override Tensor Backward(Tensor gradOutput) => _conv.Backward(_relu.Backward(gradOutput));
}
