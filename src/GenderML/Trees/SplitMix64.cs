namespace GenderML.Trees;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator whose stream never changes across .NET versions.</summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, bound).</summary>
    public int NextInt(int bound) => (int)((Next() >> 32) * (ulong)bound >> 32);
}

/// <summary>Seeded draws without replacement.</summary>
internal static class Sampling
{
    /// <summary><paramref name="k"/> distinct indices of [0, n), ascending (partial Fisher–Yates).</summary>
    public static int[] Choose(int n, int k, SplitMix64 rng)
    {
        var all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.NextInt(n - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var chosen = all.AsSpan(0, k).ToArray();
        Array.Sort(chosen);
        return chosen;
    }
}
