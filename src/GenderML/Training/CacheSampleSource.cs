using GenderML.Data;

namespace GenderML.Training;

/// <summary>The decoded samples of a <see cref="PixelCache"/>, labelled from its dataset; items that failed to decode are left out (the cache lists them).</summary>
/// <remarks>
/// Samples are read with positioned reads into a per-thread buffer rather than through the cache's memory map, so a
/// random-order epoch does not make the whole file resident in the process (see <see cref="PixelCache.ReadPixels"/>).
/// </remarks>
internal sealed class CacheSampleSource : SampleSource
{
    [ThreadStatic]
    private static byte[]? t_buffer;

    private readonly PixelCache _cache;
    private readonly int[] _indices;
    private readonly int[] _labels;

    public CacheSampleSource(PixelCache cache, Dataset dataset, Func<DatasetItem, bool>? include = null)
    {
        _cache = cache;
        var indices = new List<int>(cache.Count);
        for (int i = 0; i < cache.Count; i++) if (cache.IsDecoded(i) && (include is null || include(dataset.Items[i]))) indices.Add(i);
        _indices = [.. indices];
        _labels = [.. _indices.Select(i => dataset.Items[i].Label)];
        Items = [.. _indices.Select(i => dataset.Items[i])];
    }

    /// <summary>The dataset items in sample order.</summary>
    public IReadOnlyList<DatasetItem> Items { get; }

    public override int Count => _indices.Length;

    public override int BytesPerSample => _cache.Options.BytesPerImage;

    public override ReadOnlySpan<byte> Sample(int index)
    {
        int per = BytesPerSample;
        byte[] buffer = t_buffer is { } b && b.Length >= per ? b : t_buffer = new byte[per];
        _cache.ReadPixels(_indices[index], buffer);
        return buffer.AsSpan(0, per);
    }

    public override int Label(int index) => _labels[index];
}
