namespace GenderML.Imaging.Processing;

/// <summary>
/// <see cref="AxisWeights"/> for the horizontal pass over interleaved output samples j = x·channels + c:
/// each uses <c>Span</c> taps (the most any sample needs after trimming zero weights), starting at row index
/// <c>First[j]</c>, with weights at <c>Weights[j·Span ..]</c> (zero-padded). Taps are kept inside the row by
/// moving <c>First</c> left when needed, so reads never leave it.
/// </summary>
internal sealed class HorizontalTable
{
    private HorizontalTable(int[] first, float[] weights, int span, int channels, int rowLength)
    {
        First = first;
        Weights = weights;
        Span = span;
        Channels = channels;
        RowLength = rowLength;
        BuildPermuteTables();
    }

    /// <summary>Input floats a row (source width × channels).</summary>
    public int RowLength { get; }

    /// <summary>Leading blocks of 16 output samples whose taps all fall within a window of 32 floats.</summary>
    public int PermuteBlocks { get; private set; }

    /// <summary>Per block: the row index of its 32-float window.</summary>
    public int[] PermuteBase { get; private set; } = [];

    /// <summary>Per block and tap, 16 lanes: the window-relative index (0–31) of the tap's input.</summary>
    public int[] PermuteIndex { get; private set; } = [];

    /// <summary>Per block and tap, 16 lanes: the tap's weight.</summary>
    public float[] PermuteWeights { get; private set; } = [];

    private void BuildPermuteTables()
    {
        int n = First.Length, blocks = 0;
        while ((blocks + 1) * 16 <= n)
        {
            ReadOnlySpan<int> lanes = First.AsSpan(blocks * 16, 16);
            if (lanes.ToArray().Max() + (Span - 1) * Channels - lanes.ToArray().Min() >= 32)
                break;
            blocks++;
        }
        PermuteBlocks = blocks;
        PermuteBase = new int[blocks];
        PermuteIndex = new int[blocks * Span * 16];
        PermuteWeights = new float[blocks * Span * 16];
        for (int b = 0; b < blocks; b++)
        {
            PermuteBase[b] = First.AsSpan(b * 16, 16).ToArray().Min();
            for (int k = 0; k < Span; k++)
            for (int lane = 0; lane < 16; lane++)
            {
                int j = b * 16 + lane, e = (b * Span + k) * 16 + lane;
                PermuteIndex[e] = First[j] + k * Channels - PermuteBase[b];
                PermuteWeights[e] = Weights[j * Span + k];
            }
        }
    }

    public int[] First { get; }

    public float[] Weights { get; }

    public int Span { get; }

    public int Channels { get; }

    public static HorizontalTable Create(AxisWeights w, int sourceWidth, int channels)
    {
        int dw = w.Start.Length, n = dw * channels, taps = w.Taps;
        var lo = new int[dw];
        var hi = new int[dw];
        int span = 1;
        for (int x = 0; x < dw; x++)
        {
            // Trim leading and trailing zero weights (and taps past the row's end).
            int a = 0, b = taps;
            while (a < b - 1 && w.Weights[x * taps + a] == 0) a++;
            while (b > a + 1 && (w.Weights[x * taps + b - 1] == 0 || w.Start[x] + b - 1 >= sourceWidth)) b--;
            (lo[x], hi[x]) = (a, b);
            span = Math.Max(span, b - a);
        }
        span = Math.Min(span, sourceWidth);
        int[] first = new int[n];
        float[] weights = new float[n * span];
        for (int x = 0; x < dw; x++)
        {
            int start = Math.Min(w.Start[x] + lo[x], sourceWidth - span); // keep all span taps inside the row
            for (int c = 0; c < channels; c++)
            {
                int j = x * channels + c;
                first[j] = start * channels + c;
                for (int k = lo[x]; k < hi[x]; k++)
                    weights[j * span + (w.Start[x] + k - start)] = w.Weights[x * taps + k];
            }
        }
        return new HorizontalTable(first, weights, span, channels, sourceWidth * channels);
    }
}
