namespace GenderML.Trees;

/// <summary>
/// One fitted tree. Internal node k sends a row left when <c>x[Feature[k]] ≤ Threshold[k]</c>; a child index
/// c ≥ 0 is an internal node, c &lt; 0 is leaf ~c. A tree without internal nodes is the single leaf 0.
/// Nodes are stored in creation order, so every child index exceeds its parent's.
/// </summary>
internal sealed class RegressionTree(int[] feature, byte[] bin, float[] threshold, int[] left, int[] right, float[] leafValue)
{
    public int[] Feature { get; } = feature;

    /// <summary>The split as a bin index (training only; not saved).</summary>
    public byte[] Bin { get; } = bin;

    public float[] Threshold { get; } = threshold;

    public int[] Left { get; } = left;

    public int[] Right { get; } = right;

    /// <summary>Leaf values, already multiplied by the learning rate.</summary>
    public float[] LeafValue { get; } = leafValue;

    public int Leaves => LeafValue.Length;

    public float Predict(ReadOnlySpan<float> x)
    {
        if (Feature.Length == 0) return LeafValue[0];
        int k = 0;
        while (true)
        {
            int c = x[Feature[k]] <= Threshold[k] ? Left[k] : Right[k];
            if (c < 0) return LeafValue[~c];
            k = c;
        }
    }

    public float Predict(ReadOnlySpan<byte> x)
    {
        if (Feature.Length == 0) return LeafValue[0];
        int k = 0;
        while (true)
        {
            int c = x[Feature[k]] <= Threshold[k] ? Left[k] : Right[k];
            if (c < 0) return LeafValue[~c];
            k = c;
        }
    }

    /// <summary>Prediction for row <paramref name="row"/> of binned data (equal to <see cref="Predict(ReadOnlySpan{float})"/> on its raw values).</summary>
    public float PredictBinned(BinnedData data, int row)
    {
        if (Feature.Length == 0) return LeafValue[0];
        int k = 0;
        var columns = data.Columns;
        while (true)
        {
            int c = columns[(long)Feature[k] * data.Rows + row] <= Bin[k] ? Left[k] : Right[k];
            if (c < 0) return LeafValue[~c];
            k = c;
        }
    }
}
