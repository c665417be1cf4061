using System.Globalization;
using GenderML.Core.Layers;

namespace GenderML.Classifiers;

/// <summary>Builds the layers of a <see cref="NetworkPreset"/> for C×S×S inputs, with one logit output.</summary>
internal static class NetworkFactory
{
    /// <summary>The network, its weights drawn from <paramref name="seed"/>, and a readable description.</summary>
    public static (Layer Network, string Description) Create(NetworkPreset preset, int channels, int size, int hiddenUnits, int seed)
    {
        var random = new Random(seed);
        int dropoutSeed = seed;
        Dropout Drop(float p) => new(p, unchecked(++dropoutSeed * 7919));
        string shape = string.Create(CultureInfo.InvariantCulture, $"{channels}×{size}×{size}");
        switch (preset)
        {
            case NetworkPreset.Dense:
            {
                int hidden = hiddenUnits > 0 ? hiddenUnits : 128;
                return (new Sequential(new Flatten(), new Dense(channels * size * size, hidden, random), new ReLU(), new Dense(hidden, 1, random)),
                        $"{shape} → Dense({hidden}) + ReLU → Dense(1)");
            }
            case NetworkPreset.Cnn2:
            {
                int hidden = hiddenUnits > 0 ? hiddenUnits : 128;
                int s = Pooled(Pooled(size - 2) - 2);
                return (new Sequential(
                        new Conv2d(channels, 32, 3, random), new ReLU(), new MaxPool2d(2),
                        new Conv2d(32, 64, 3, random), new ReLU(), new MaxPool2d(2),
                        new Flatten(), new Dense(64 * s * s, hidden, random), new ReLU(), new Dense(hidden, 1, random)),
                    $"{shape} → Conv(32,3×3)+ReLU+MaxPool2 → Conv(64,3×3)+ReLU+MaxPool2 → Dense({hidden})+ReLU → Dense(1)");
            }
            case NetworkPreset.Cnn3:
            {
                int hidden = hiddenUnits > 0 ? hiddenUnits : 128;
                int s = Pooled(Pooled(Pooled(size)));
                return (new Sequential(
                        new Conv2d(channels, 32, 3, random, padding: ConvPadding.Symmetric(1)), new ReLU(), new MaxPool2d(2),
                        new Conv2d(32, 64, 3, random, padding: ConvPadding.Symmetric(1)), new ReLU(), new MaxPool2d(2),
                        new Conv2d(64, 128, 3, random, padding: ConvPadding.Symmetric(1)), new ReLU(), new MaxPool2d(2),
                        Drop(0.25f), new Flatten(), new Dense(128 * s * s, hidden, random), new ReLU(), Drop(0.5f), new Dense(hidden, 1, random)),
                    $"{shape} → [Conv(3×3,pad 1)+ReLU+MaxPool2] × (32, 64, 128) → Dropout(0.25) → Dense({hidden})+ReLU → Dropout(0.5) → Dense(1)");
            }
            case NetworkPreset.SmallerVgg:
            {
                int hidden = hiddenUnits > 0 ? hiddenUnits : 1024;
                int s = Pooled(Pooled(size / 3));
                return (new Sequential(
                        ConvBnRelu(channels, 32, random), new MaxPool2d(3), Drop(0.25f),
                        ConvBnRelu(32, 64, random), ConvBnRelu(64, 64, random), new MaxPool2d(2), Drop(0.25f),
                        ConvBnRelu(64, 128, random), ConvBnRelu(128, 128, random), new MaxPool2d(2), Drop(0.25f),
                        new Flatten(), new Dense(128 * s * s, hidden, random), new ReLU(), Drop(0.5f), new Dense(hidden, 1, random)),
                    $"{shape} → ConvBN(32)+MaxPool3 → ConvBN(64)×2+MaxPool2 → ConvBN(128)×2+MaxPool2 (dropout 0.25 each) → Dense({hidden})+ReLU → Dropout(0.5) → Dense(1)");
            }
            case NetworkPreset.Rnn:
            {
                int hidden = hiddenUnits > 0 ? hiddenUnits : 128;
                return (new Sequential(new RowsAsSequence(channels), new Gru(size * channels, hidden, random), new Dense(hidden, 1, random)),
                        $"{shape} read as {size} rows of {size * channels} → GRU({hidden}) → Dense(1)");
            }
            case NetworkPreset.ResNet:
            {
                var net = new Sequential(
                    new Conv2d(channels, 32, 3, random, padding: ConvPadding.Symmetric(1), bias: false), new BatchNorm2d(32), new ReLU(),
                    new BasicBlock(32, 32, random), new BasicBlock(32, 64, random, stride: 2),
                    new BasicBlock(64, 128, random, stride: 2), new BasicBlock(128, 256, random, stride: 2),
                    new GlobalAvgPool(), new Dense(256, 1, random));
                return (net, $"{shape} → ConvBN(32,3×3)+ReLU → BasicBlock 32, 64/2, 128/2, 256/2 → global average pool → Dense(1)");
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(preset), preset, null);
        }
    }

    private static int Pooled(int size) => size / 2;

    private static Sequential ConvBnRelu(int inChannels, int outChannels, Random random) =>
        new(new Conv2d(inChannels, outChannels, 3, random, padding: ConvPadding.Symmetric(1), bias: false), new BatchNorm2d(outChannels), new ReLU());
}
