using GenderML.Linear;

namespace GenderML.Tests.Linear;

public sealed class LinearKernelsTests
{
    public static TheoryData<int> Lengths() => [0, 1, 2, 15, 16, 17, 63, 64, 65, 127, 129, 6 * 16 + 7, 2500];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Fast_kernels_match_references(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Assert.Equal(LinearKernelsReference.Dot(x, y), LinearKernels.Dot(x, y), 1e-4 * Math.Max(1, Math.Sqrt(n)));
        var fast = (float[])y.Clone();
        var naive = (float[])y.Clone();
        LinearKernels.AddScaled(0.37f, x, fast);
        LinearKernelsReference.AddScaled(0.37f, x, naive);
        for (int i = 0; i < n; i++) Assert.Equal(naive[i], fast[i], 1e-6f);
    }
}
