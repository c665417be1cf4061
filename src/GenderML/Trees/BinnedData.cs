namespace GenderML.Trees;

/// <summary>
/// Features mapped to bins, column-major: the bin of row r, feature f is <c>Columns[f * Rows + r]</c>.
/// Histograms of all features sit in one array; feature f owns bins <c>[Offsets[f], Offsets[f + 1])</c>.
/// </summary>
internal sealed class BinnedData
{
    private BinnedData(byte[] columns, int rows, int[] offsets)
    {
        Columns = columns;
        Rows = rows;
        Offsets = offsets;
    }

    public byte[] Columns { get; }

    public int Rows { get; }

    public int Features => Offsets.Length - 1;

    public int[] Offsets { get; }

    public int TotalBins => Offsets[^1];

    public int BinCount(int feature) => Offsets[feature + 1] - Offsets[feature];

    public ReadOnlySpan<byte> Column(int feature) => Columns.AsSpan(feature * Rows, Rows);

    public static BinnedData Create(FeatureMatrix x, BinMapper mapper, GenderML.Core.ComputeOptions compute)
    {
        int n = x.Rows, d = x.Columns;
        var offsets = new int[d + 1];
        for (int f = 0; f < d; f++) offsets[f + 1] = offsets[f] + mapper.BinCount(f);
        var columns = new byte[(long)n * d];
        const int Block = 64;
        int blocks = (d + Block - 1) / Block;
        var po = new ParallelOptions { MaxDegreeOfParallelism = compute.Threads };
        Parallel.For(0, blocks, po, blk =>
        {
            int f0 = blk * Block, f1 = Math.Min(d, f0 + Block);
            if (x.Bytes is { } bytes)
            {
                var tables = new byte[f1 - f0][];
                for (int f = f0; f < f1; f++) tables[f - f0] = BinMapper.ByteTable(mapper.Thresholds[f]);
                for (int r = 0; r < n; r++)
                {
                    int rowStart = r * d;
                    for (int f = f0; f < f1; f++) columns[(long)f * n + r] = tables[f - f0][bytes[rowStart + f]];
                }
            }
            else
            {
                var floats = x.Floats!;
                for (int r = 0; r < n; r++)
                {
                    long rowStart = (long)r * d;
                    for (int f = f0; f < f1; f++)
                        columns[(long)f * n + r] = (byte)BinMapper.BinOf(mapper.Thresholds[f], floats[rowStart + f]);
                }
            }
        });
        return new BinnedData(columns, n, offsets);
    }
}
