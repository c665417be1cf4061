namespace GenderML.Core.Tests.Kernels;

/// <summary>Random data and tolerant comparisons shared by the kernel tests.</summary>
internal static class KernelAssert
{
    public static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    /// <summary>Asserts |expected − actual| ≤ tol·(1 + |expected|) element-wise, naming the first bad index.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (!(MathF.Abs(e - a) <= tol * (1 + MathF.Abs(e))))
                Assert.Fail($"{what}: index {i}: expected {e}, got {a}");
        }
    }

    public static void BitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: index {i}: {expected[i]} vs {actual[i]}");
    }
}
