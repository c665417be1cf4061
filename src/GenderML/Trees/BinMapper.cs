namespace GenderML.Trees;

/// <summary>
/// Per-feature quantile bin edges: a value x of feature f falls in the first bin b with
/// <c>x ≤ Thresholds[f][b]</c>, or in the last bin when it exceeds every threshold.
/// </summary>
/// <remarks>
/// As scikit-learn's HistGradientBoosting: with at most <c>maxBins</c> distinct values each gets its own bin
/// (thresholds at the midpoints); otherwise thresholds are the percentiles k/maxBins (k = 1 … maxBins − 1,
/// "midpoint" interpolation), duplicates dropped. Float features use up to 200,000 rows (a seeded sample);
/// byte features are binned exactly from their 256-value counts.
/// </remarks>
internal sealed class BinMapper
{
    internal const int MaxSampleRows = 200_000;

    private BinMapper(float[][] thresholds) => Thresholds = thresholds;

    /// <summary>Bin edges of each feature; feature f has <c>Thresholds[f].Length + 1</c> bins.</summary>
    public float[][] Thresholds { get; }

    public int Features => Thresholds.Length;

    public int BinCount(int feature) => Thresholds[feature].Length + 1;

    public static BinMapper Fit(FeatureMatrix x, int maxBins, int seed, GenderML.Core.ComputeOptions compute)
    {
        var thresholds = new float[x.Columns][];
        int[]? sample = null;
        if (x.Bytes is null && x.Rows > MaxSampleRows)
        {
            sample = Sampling.Choose(x.Rows, MaxSampleRows, new SplitMix64((ulong)seed ^ 0xB1A5_0000UL));
        }
        var po = new ParallelOptions { MaxDegreeOfParallelism = compute.Threads };
        if (x.Bytes is { } bytes)
        {
            // Count byte values row by row over blocks of 64 columns (one cache line per row and block).
            const int Block = 64;
            int d = x.Columns;
            Parallel.For(0, (d + Block - 1) / Block, po, blk =>
            {
                int f0 = blk * Block, width = Math.Min(d, f0 + Block) - f0;
                var counts = new long[width * 256];
                for (long start = f0; start < bytes.Length; start += d)
                    for (int j = 0; j < width; j++) counts[j * 256 + bytes[start + j]]++;
                for (int j = 0; j < width; j++)
                    thresholds[f0 + j] = FromByteCounts(counts.AsSpan(j * 256, 256), maxBins);
            });
            return new BinMapper(thresholds);
        }
        Parallel.For(0, x.Columns, po, f =>
        {
            var floats = x.Floats!;
            int m = sample?.Length ?? x.Rows;
            var col = new float[m];
            for (int i = 0; i < m; i++) col[i] = floats[(long)(sample is null ? i : sample[i]) * x.Columns + f];
            Array.Sort(col);
            var values = new List<double>();
            var weights = new List<long>();
            for (int i = 0; i < m; i++)
            {
                if (values.Count > 0 && values[^1] == col[i]) weights[^1]++;
                else { values.Add(col[i]); weights.Add(1); }
            }
            thresholds[f] = FromDistinct(values.ToArray(), weights.ToArray(), maxBins);
        });
        return new BinMapper(thresholds);
    }

    private static float[] FromByteCounts(ReadOnlySpan<long> counts, int maxBins)
    {
        var values = new List<double>();
        var weights = new List<long>();
        for (int v = 0; v < 256; v++)
            if (counts[v] > 0) { values.Add(v); weights.Add(counts[v]); }
        return FromDistinct(values.ToArray(), weights.ToArray(), maxBins);
    }

    /// <summary>Thresholds from sorted distinct values and their counts.</summary>
    internal static float[] FromDistinct(double[] values, long[] counts, int maxBins)
    {
        if (values.Length <= 1) return [];
        var result = new List<float>(Math.Min(values.Length, maxBins));
        if (values.Length <= maxBins)
        {
            for (int i = 0; i + 1 < values.Length; i++) Add(result, Midpoint(values[i], values[i + 1]));
            return [.. result];
        }
        long n = 0;
        foreach (long c in counts) n += c;
        // cumulative[i] = number of sorted elements before values[i].
        var cumulative = new long[values.Length + 1];
        for (int i = 0; i < values.Length; i++) cumulative[i + 1] = cumulative[i] + counts[i];
        for (int k = 1; k < maxBins; k++)
        {
            double position = (double)k / maxBins * (n - 1);
            long lo = (long)Math.Floor(position), hi = (long)Math.Ceiling(position);
            double v = 0.5 * (ValueAt(values, cumulative, lo) + ValueAt(values, cumulative, hi));
            Add(result, (float)v);
        }
        return [.. result];
    }

    private static double ValueAt(double[] values, long[] cumulative, long index)
    {
        int i = Array.BinarySearch(cumulative, index);
        // The element at sorted position `index` belongs to the last value whose cumulative start is ≤ index.
        i = i >= 0 ? i : ~i - 1;
        while (i + 1 < values.Length && cumulative[i + 1] <= index) i++;
        return values[i];
    }

    private static float Midpoint(double a, double b)
    {
        var m = (float)(0.5 * (a + b));
        return m >= (float)b ? (float)a : m;
    }

    private static void Add(List<float> thresholds, float t)
    {
        if (thresholds.Count == 0 || t > thresholds[^1]) thresholds.Add(t);
    }

    /// <summary>The bin of <paramref name="x"/> for a feature with the given thresholds.</summary>
    internal static int BinOf(float[] thresholds, float x)
    {
        int lo = 0, hi = thresholds.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (x <= thresholds[mid]) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>A 256-entry lookup table byte value → bin.</summary>
    internal static byte[] ByteTable(float[] thresholds)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)BinOf(thresholds, v);
        return table;
    }
}
