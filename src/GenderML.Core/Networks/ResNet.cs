using GenderML.Core.Layers;

namespace GenderML.Core.Networks;

/// <summary>
/// A torchvision-style ResNet of <see cref="BasicBlock"/>s: <c>conv1</c> 7×7/2 + <c>bn1</c> + ReLU + 3×3/2 max pool,
/// four stages <c>layer1…layer4</c> of 64, 128, 256, 512 channels (stages 2–4 halve the size), global average pooling
/// and the linear head <c>fc</c>. Parameter names match torchvision's <c>state_dict</c>.
/// </summary>
public sealed class ResNet : Layer
{
    private readonly List<Layer> _pipeline = [];

    private ResNet(int inChannels, int outputs, int[] blocks, Random random)
    {
        Stage("conv1", new Conv2d(inChannels, 64, 7, random, 2, ConvPadding.Symmetric(3), bias: false));
        Stage("bn1", new BatchNorm2d(64));
        Stage("relu", new ReLU());
        Stage("maxpool", new MaxPool2d(3, 2, ConvPadding.Symmetric(1)));
        int channels = 64;
        for (int stage = 0; stage < blocks.Length; stage++)
        {
            int width = 64 << stage;
            var layer = new Sequential();
            for (int b = 0; b < blocks[stage]; b++)
            {
                layer.Add(new BasicBlock(channels, width, random, b == 0 && stage > 0 ? 2 : 1));
                channels = width;
            }
            Stage($"layer{stage + 1}", layer);
        }
        Stage("avgpool", new GlobalAvgPool());
        Stage("fc", new Dense(channels, outputs, random));
    }

    private void Stage(string name, Layer layer) => _pipeline.Add(AddChild(name, layer));

    /// <summary>ResNet-18: two basic blocks per stage, weights drawn from <paramref name="random"/>.</summary>
    public static ResNet ResNet18(int inChannels, int outputs, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new ResNet(inChannels, outputs, [2, 2, 2, 2], random);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        _pipeline[0].InputGradientNeeded = InputGradientNeeded;
        for (int i = 0; i < _pipeline.Count; i++) x = _pipeline[i].Forward(x);
        return x;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var g = gradOutput;
        for (int i = _pipeline.Count - 1; i >= 0; i--) g = _pipeline[i].Backward(g);
        return g;
    }
}
