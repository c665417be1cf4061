namespace GenderML.Training;

/// <summary>
/// Preprocessed training samples: <see cref="Count"/> images of <see cref="BytesPerSample"/> uint8 values each
/// (S×S, channels interleaved) with labels 0 (female) or 1 (male).
/// </summary>
internal abstract class SampleSource
{
    public abstract int Count { get; }

    public abstract int BytesPerSample { get; }

    /// <summary>The pixels of sample <paramref name="index"/>; valid until the next call to <see cref="Sample"/> on the same thread.</summary>
    public abstract ReadOnlySpan<byte> Sample(int index);

    public abstract int Label(int index);

    /// <summary>Samples per label: [female, male].</summary>
    public int[] CountByLabel()
    {
        var counts = new int[2];
        for (int i = 0; i < Count; i++) counts[Label(i)]++;
        return counts;
    }
}

/// <summary>Samples held in one array.</summary>
internal sealed class ArraySampleSource(byte[] pixels, int[] labels, int bytesPerSample) : SampleSource
{
    public override int Count => labels.Length;

    public override int BytesPerSample => bytesPerSample;

    public override ReadOnlySpan<byte> Sample(int index) => pixels.AsSpan(index * bytesPerSample, bytesPerSample);

    public override int Label(int index) => labels[index];
}

/// <summary>A subset of another source, by index.</summary>
internal sealed class IndexedSampleSource(SampleSource inner, int[] indices) : SampleSource
{
    public override int Count => indices.Length;

    public override int BytesPerSample => inner.BytesPerSample;

    public override ReadOnlySpan<byte> Sample(int index) => inner.Sample(indices[index]);

    public override int Label(int index) => inner.Label(indices[index]);
}
