namespace GenderML.Core.Layers;

/// <summary>
/// ResNet's basic residual block (torchvision naming):
/// <c>y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>, with 3×3 convolutions, the first strided,
/// and a shortcut that is the identity or, when the stride or the channel count changes, <c>downsample</c> = 1×1 conv + batch norm.
/// </summary>
/// <remarks>
/// The ReLUs and the residual add run in the batch norms' output passes (<see cref="BatchNorm2d.ForwardRelu"/>,
/// <see cref="BatchNorm2d.ForwardAddRelu"/>) and their derivatives in the batch norms' backward passes: the same bits
/// as the layers one by one.
/// </remarks>
public sealed class BasicBlock : Layer
{
    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential? _downsample;
    private Tensor? _output, _gradInput;

    /// <summary>Creates the block from <paramref name="inChannels"/> to <paramref name="outChannels"/>, weights drawn from <paramref name="random"/>.</summary>
    public BasicBlock(int inChannels, int outChannels, Random random, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(random);
        _conv1 = AddChild("conv1", new Conv2d(inChannels, outChannels, 3, random, stride, ConvPadding.Symmetric(1), bias: false));
        _bn1 = AddChild("bn1", new BatchNorm2d(outChannels));
        _conv2 = AddChild("conv2", new Conv2d(outChannels, outChannels, 3, random, 1, ConvPadding.Symmetric(1), bias: false));
        _bn2 = AddChild("bn2", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
            _downsample = AddChild("downsample", new Sequential(
                new Conv2d(inChannels, outChannels, 1, random, stride, bias: false),
                new BatchNorm2d(outChannels)));
    }

    /// <summary>True when the shortcut is a projection rather than the identity.</summary>
    public bool HasProjection => _downsample is not null;

    /// <summary>The block's parts in forward order (conv1, bn1, conv2, bn2) and the projection shortcut, if any.</summary>
    internal (Conv2d Conv1, BatchNorm2d Bn1, Conv2d Conv2, BatchNorm2d Bn2, Sequential? Downsample) Parts =>
        (_conv1, _bn1, _conv2, _bn2, _downsample);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var main = _conv2.Forward(_bn1.ForwardRelu(_conv1.Forward(input)));
        var shortcut = _downsample is null ? input : _downsample.Forward(input);
        if (!main.Shape.SequenceEqual(shortcut.Shape))
            throw new ArgumentException($"{Name}: residual shapes differ, {main} and {shortcut}", nameof(input));
        return _output = _bn2.ForwardAddRelu(main, shortcut);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        if (_output is null) throw new InvalidOperationException("BasicBlock.Backward before Forward");
        var gMain = _conv1.Backward(_bn1.Backward(_conv2.Backward(_bn2.Backward(gradOutput))));
        var g = _bn2.ResidualGradient;
        var gShort = _downsample is null ? g : _downsample.Backward(g);
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, gMain);
        System.Numerics.Tensors.TensorPrimitives.Add(gMain.Data, gShort.Data, gradInput.Data);
        return gradInput;
    }
}
