namespace GenderML.Training;

/// <summary>
/// Random numbers that depend only on (seed, epoch, sample), not on the order or thread that asks, so a
/// batch prepared on any number of threads — or after a resume — is the same. SplitMix64 underneath.
/// </summary>
internal struct SampleRandom
{
    private ulong _state;

    public SampleRandom(int seed, int epoch, int sample)
    {
        _state = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)epoch * 0xC2B2AE3D27D4EB4FUL ^ (ulong)(uint)sample * 0x165667B19E3779F9UL);
        Next();
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [lo, hi).</summary>
    public float Uniform(float lo, float hi) => lo + (hi - lo) * NextFloat();
}
