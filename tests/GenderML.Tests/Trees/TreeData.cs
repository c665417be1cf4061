using GenderML.Trees;

namespace GenderML.Tests.Trees;

/// <summary>Small seeded data sets for the tree tests.</summary>
internal static class TreeData
{
    /// <summary>XOR of the signs of columns 0 and 1 (plus <paramref name="noise"/> distractor columns), uniform in [−1, 1].</summary>
    public static (FeatureMatrix X, bool[] Y) Xor(int rows, int noise, int seed)
    {
        var rng = new Random(seed);
        int d = 2 + noise;
        var x = new float[rows * d];
        var y = new bool[rows];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < d; j++) x[i * d + j] = (float)(rng.NextDouble() * 2 - 1);
            y[i] = x[i * d] > 0 ^ x[i * d + 1] > 0;
        }
        return (FeatureMatrix.FromFloats(x, d), y);
    }

    /// <summary>Random bytes with a label that depends on pixels 0 and 5 (a 4×4 "image" by default).</summary>
    public static (byte[] X, bool[] Y) Pixels(int rows, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new byte[rows * d];
        rng.NextBytes(x);
        var y = new bool[rows];
        for (int i = 0; i < rows; i++) y[i] = x[i * d] + x[i * d + Math.Min(5, d - 1)] > 255 ^ rng.NextDouble() < 0.05;
        return (x, y);
    }

    public static byte[] Save(GradientBoostedTrees model)
    {
        var s = new MemoryStream();
        model.Save(s);
        return s.ToArray();
    }

    public static GradientBoostedTrees Load(byte[] bytes) => GradientBoostedTrees.Load(new MemoryStream(bytes));
}
