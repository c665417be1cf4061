using GenderML.Core.Ops;
using GenderML.Core.Tests.Kernels;

namespace GenderML.Core.Tests.Ops;

/// <summary>
/// Batch norm's fused plane passes against the passes they replace (<see cref="ChannelOps.Affine"/>, an add,
/// <see cref="Elementwise.Relu"/>, <see cref="Elementwise.ReluBackward"/>), bit for bit, at lengths 0…40 and
/// 6·512 + 7, with zeros of both signs, values the map sends to ±0 and NaN among the inputs.
/// </summary>
public sealed class ChannelOpsTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 40; n++) data.Add(n);
        data.Add(6 * 512 + 7);
        return data;
    }

    // x · a + b is exactly ±0 at x = ±0 when b = −0, and exactly 0 at x = 2 when a = 0.5, b = −1.
    private static readonly (float A, float B)[] Maps = [(0.5f, -1f), (1f, -0f), (-1.5f, 0.25f)];

    private static float[] Values(int n, int seed)
    {
        var random = new Random(seed);
        var x = new float[n];
        float[] special = [0f, -0f, 2f, -2f, float.NaN, 1e-30f, -1e-30f];
        for (int i = 0; i < n; i++) x[i] = random.Next(4) == 0 ? special[random.Next(special.Length)] : (float)(random.NextDouble() * 8 - 4);
        return x;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AffineReluEqualsAffineThenRelu(int n)
    {
        var x = Values(n, n);
        foreach (var (a, b) in Maps)
        {
            var expected = new float[n];
            ChannelOps.Affine(x, a, b, expected);
            Elementwise.Relu(expected, expected);
            var actual = new float[n];
            ChannelOps.AffineRelu(x, a, b, actual);
            KernelAssert.BitIdentical(expected, actual, "y");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AffineAddReluEqualsTheThreePasses(int n)
    {
        var x = Values(n, n);
        var r = Values(n, n + 100);
        foreach (var (a, b) in Maps)
        {
            var expected = new float[n];
            ChannelOps.Affine(x, a, b, expected);
            System.Numerics.Tensors.TensorPrimitives.Add(expected, r, expected);
            Elementwise.Relu(expected, expected);
            var actual = new float[n];
            ChannelOps.AffineAddRelu(x, a, b, r, actual);
            KernelAssert.BitIdentical(expected, actual, "y");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ReluBackwardOfAffineEqualsReluBackwardOnTheOutput(int n)
    {
        var x = Values(n, n);
        var dy = Values(n, n + 200);
        foreach (var (a, b) in Maps)
        {
            var y = new float[n];
            ChannelOps.Affine(x, a, b, y);
            Elementwise.Relu(y, y);
            var expected = new float[n];
            Elementwise.ReluBackward(y, dy, expected);
            var actual = new float[n];
            ChannelOps.ReluBackwardOfAffine(x, a, b, dy, actual);
            KernelAssert.BitIdentical(expected, actual, "dz");
        }
    }
}
