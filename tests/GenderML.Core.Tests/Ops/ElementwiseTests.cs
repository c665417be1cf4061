using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Ops;

/// <summary>The vectorised activations against their scalar definitions, at lengths 0…40 and 6·512 + 7.</summary>
public sealed class ElementwiseTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 40; n++) data.Add(n);
        data.Add(6 * 512 + 7);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LeakyRelu_MatchesTheScalarDefinition(int n)
    {
        var x = Values(n);
        var y = new float[n];
        Elementwise.LeakyRelu(x, 0.1f, y);
        for (int i = 0; i < n; i++) Assert.Equal(x[i] > 0f ? x[i] : 0.1f * x[i], y[i]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Relu6_MatchesTheScalarDefinition(int n)
    {
        var x = Values(n);
        var y = new float[n];
        Elementwise.Relu6(x, y);
        for (int i = 0; i < n; i++) Assert.Equal(Math.Clamp(x[i], 0f, 6f), y[i]);
    }

    private static float[] Values(int n)
    {
        var random = new Random(n);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(random.NextDouble() * 16 - 8);
        if (n > 3) (x[1], x[2], x[3]) = (0f, 6f, -0f);
        return x;
    }
}
