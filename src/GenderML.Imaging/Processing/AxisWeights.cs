namespace GenderML.Imaging.Processing;

/// <summary>
/// The resampling weights along one axis: output sample <c>i</c> = Σₖ <c>Weights[i·Taps + k]</c> ·
/// input sample <c>Start[i] + k</c>. Area weights when shrinking, linear when growing, identity when equal.
/// </summary>
internal sealed class AxisWeights
{
    private AxisWeights(int[] start, float[] weights, int taps)
    {
        Start = start;
        Weights = weights;
        Taps = taps;
    }

    /// <summary>First input index of each output sample.</summary>
    public int[] Start { get; }

    /// <summary><c>Taps</c> weights per output sample (zero-padded), summing to 1.</summary>
    public float[] Weights { get; }

    /// <summary>Weights per output sample.</summary>
    public int Taps { get; }

    /// <summary>The weights resizing <paramref name="source"/> samples to <paramref name="target"/>.</summary>
    public static AxisWeights For(int source, int target) =>
        target < source ? Area(source, target) : Linear(source, target);

    /// <summary>
    /// Area averaging (OpenCV INTER_AREA, PIL BOX when shrinking): output i covers the input interval
    /// [i·s, (i+1)·s) with s = source/target; each input sample weighs its overlap with it, divided by s.
    /// </summary>
    public static AxisWeights Area(int source, int target)
    {
        double scale = (double)source / target;
        int taps = (int)Math.Ceiling(scale) + 1;
        int[] start = new int[target];
        float[] weights = new float[target * taps];
        for (int i = 0; i < target; i++)
        {
            double lo = i * scale, hi = Math.Min((i + 1) * scale, source);
            int first = (int)Math.Floor(lo);
            start[i] = first;
            for (int k = 0; k < taps && first + k < source; k++)
            {
                double overlap = Math.Min(hi, first + k + 1) - Math.Max(lo, first + k);
                if (overlap > 1e-9)
                    weights[i * taps + k] = (float)(overlap / scale);
            }
        }
        return new AxisWeights(start, weights, taps);
    }

    /// <summary>
    /// Linear interpolation with pixel centres at half-integers (OpenCV INTER_LINEAR / PIL BILINEAR when growing):
    /// output i samples input position (i + 0.5)·source/target − 0.5, clamped to the edge samples.
    /// </summary>
    public static AxisWeights Linear(int source, int target)
    {
        const int taps = 2;
        double scale = (double)source / target;
        int[] start = new int[target];
        float[] weights = new float[target * taps];
        for (int i = 0; i < target; i++)
        {
            double centre = (i + 0.5) * scale - 0.5;
            int i0 = (int)Math.Floor(centre);
            double frac = centre - i0;
            if (i0 < 0) { i0 = 0; frac = 0; }
            if (i0 >= source - 1) { i0 = Math.Max(source - 2, 0); frac = source == 1 ? 0 : 1; }
            start[i] = i0;
            weights[i * taps] = (float)(1 - frac);
            if (source > 1)
                weights[i * taps + 1] = (float)frac;
        }
        return new AxisWeights(start, weights, taps);
    }
}
