using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Training;

/// <summary>
/// A two-convolution test network (the shape of the product's <c>cnn2</c>): <c>C×S×S → Conv(32, 3×3) + ReLU + MaxPool 2 → Conv(64, 3×3) + ReLU + MaxPool 2
/// → Flatten → Dense(128) + ReLU → Dense(outputs)</c>, valid padding.
/// </summary>
internal static class SmallCnn
{
    /// <summary>Builds the network for <paramref name="channels"/>×<paramref name="size"/>×<paramref name="size"/> inputs, weights drawn from <paramref name="random"/>.</summary>
    public static Sequential Create(int channels, int size, Random random, int outputs = 1)
    {
        ArgumentNullException.ThrowIfNull(random);
        int s1 = (size - 2) / 2, s2 = (s1 - 2) / 2;
        if (s2 < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "SmallCnn: inputs must be at least 10×10");
        return new Sequential(
            new Conv2d(channels, 32, 3, random), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, random), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Dense(64 * s2 * s2, 128, random), new ReLU(),
            new Dense(128, outputs, random));
    }
}
