using GenderML.Data;

namespace GenderML.Training;

/// <summary>The decoded samples of a <see cref="PixelCache"/>, labelled from its dataset; items that failed to decode are left out (the cache lists them).</summary>
internal sealed class CacheSampleSource : SampleSource
{
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

    public override ReadOnlySpan<byte> Sample(int index) => _cache.GetPixels(_indices[index]);

    public override int Label(int index) => _labels[index];
}
