using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Imaging.Processing;

/// <summary>
/// Separable resize of interleaved 8-bit pixels: a vertical pass (SIMD over whole rows) into a float row,
/// then a horizontal pass over each output row's few non-zero taps, each with <see cref="AxisWeights"/>;
/// results rounded half up and clamped to 0–255.
/// </summary>
internal static class Resampler
{
    /// <summary>Floats past the row's end that the permute kernel may load (never used: their weights are zero).</summary>
    internal const int RowPadding = 32;

    /// <summary>Resizes <paramref name="src"/> (<paramref name="sw"/>×<paramref name="sh"/>×<paramref name="channels"/>) into <paramref name="dst"/> (<paramref name="dw"/>×<paramref name="dh"/>).</summary>
    public static void Resize(ReadOnlySpan<byte> src, int sw, int sh, int channels, Span<byte> dst, int dw, int dh)
    {
        AxisWeights wy = TableCache.Vertical(sh, dh);
        HorizontalTable hx = TableCache.Horizontal(sw, dw, channels);
        int rowLen = sw * channels;
        float[] row = ArrayPool<float>.Shared.Rent(rowLen + RowPadding);
        try
        {
            for (int y = 0; y < dh; y++)
            {
                Span<float> padded = row.AsSpan(0, rowLen + RowPadding);
                padded.Clear();
                Span<float> acc = padded[..rowLen];
                int first = wy.Start[y];
                for (int k = 0; k < wy.Taps; k++)
                {
                    float w = wy.Weights[y * wy.Taps + k];
                    if (w != 0)
                        AccumulateRow(src.Slice((first + k) * rowLen, rowLen), w, acc);
                }
                HorizontalPass(padded, hx, dst.Slice(y * dw * channels, dw * channels));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(row);
        }
    }

    /// <summary><c>acc[j] += w · src[j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void AccumulateRow(ReadOnlySpan<byte> src, float w, Span<float> acc)
    {
        int n = src.Length, j = 0;
        fixed (byte* s = src)
        fixed (float* a = acc)
        {
            if (Avx512F.IsSupported)
            {
                Vector512<float> vw = Vector512.Create(w);
                for (; j + 16 <= n; j += 16)
                {
                    Vector512<float> v = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(s + j)));
                    Vector512.Store(Avx512F.FusedMultiplyAdd(v, vw, Vector512.Load(a + j)), a + j);
                }
            }
            if (Avx2.IsSupported)
            {
                Vector256<float> vw = Vector256.Create(w);
                for (; j + 8 <= n; j += 8)
                {
                    Vector256<float> v = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(s + j));
                    Vector256.Store(v * vw + Vector256.Load(a + j), a + j);
                }
            }
            for (; j < n; j++)
                a[j] += w * s[j];
        }
    }

    /// <summary><c>dst[j] = round(Σ_{k &lt; Span} Weights[j·Span + k] · row[First[j] + k·channels])</c> for each output sample j.</summary>
    /// <remarks>
    /// Every sample uses the same number of taps (zero-padded), so the loop has no data-dependent branches;
    /// the common 2- and 3-tap cases are unrolled. Scalar on purpose: AVX2 gathers measured slower on Zen 5.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void HorizontalPass(ReadOnlySpan<float> row, HorizontalTable table, Span<byte> dst)
    {
        int n = dst.Length, span = table.Span, ch = table.Channels;
        fixed (float* r = row)
        fixed (int* first = table.First)
        fixed (float* wts = table.Weights)
        fixed (byte* d = dst)
        {
            int j0 = 0;
            if (table.PermuteBlocks > 0 && row.Length >= table.RowLength + RowPadding)
                j0 = PermutePass(r, table, d);
            if (span == 2)
            {
                for (int j = j0; j < n; j++)
                {
                    float* p = r + first[j];
                    float* w = wts + 2 * j;
                    d[j] = ToByte(w[0] * p[0] + w[1] * p[ch]);
                }
            }
            else if (span == 3)
            {
                for (int j = j0; j < n; j++)
                {
                    float* p = r + first[j];
                    float* w = wts + 3 * j;
                    d[j] = ToByte(w[0] * p[0] + w[1] * p[ch] + w[2] * p[2 * ch]);
                }
            }
            else
            {
                for (int j = j0; j < n; j++)
                {
                    float* p = r + first[j];
                    float* w = wts + j * span;
                    float sum = 0;
                    for (int k = 0; k < span; k++)
                        sum += w[k] * p[k * ch];
                    d[j] = ToByte(sum);
                }
            }
        }
    }

    /// <summary>
    /// The AVX-512 horizontal pass for the first <c>16 · PermuteBlocks</c> output samples: each block of 16 reads
    /// 32 consecutive floats from its lowest input and picks each tap with one two-register permute (vpermt2ps).
    /// Returns how many samples it wrote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int PermutePass(float* r, HorizontalTable table, byte* d)
    {
        if (!Avx512F.IsSupported)
            return 0;
        fixed (int* local = table.PermuteIndex)
        fixed (float* w = table.PermuteWeights)
        fixed (int* baseIndex = table.PermuteBase)
        {
            Vector512<float> zero = Vector512<float>.Zero, max = Vector512.Create(255f), half = Vector512.Create(0.5f);
            int span = table.Span;
            for (int b = 0; b < table.PermuteBlocks; b++)
            {
                float* p = r + baseIndex[b];
                Vector512<float> lo = Vector512.Load(p), hi = Vector512.Load(p + 16);
                Vector512<float> sum = zero;
                for (int k = 0; k < span; k++)
                {
                    int e = (b * span + k) * 16;
                    Vector512<float> v = Avx512F.PermuteVar16x32x2(lo, Vector512.Load(local + e), hi);
                    sum = Avx512F.FusedMultiplyAdd(v, Vector512.Load(w + e), sum);
                }
                Vector512<int> rounded = Avx512F.ConvertToVector512Int32WithTruncation(Vector512.Min(Vector512.Max(sum, zero), max) + half);
                Vector128.Store(Avx512F.ConvertToVector128Byte(rounded), d + b * 16);
            }
        }
        return table.PermuteBlocks * 16;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte ToByte(float v) => (byte)(int)(Math.Clamp(v, 0f, 255f) + 0.5f);
}

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

/// <summary>
/// Per-thread cache of resize tables keyed by their sizes: a dataset of similar images reuses a few dozen
/// tables instead of building two per image. Cleared when it holds more than 512 entries.
/// </summary>
internal static class TableCache
{
    [ThreadStatic] private static Dictionary<(int, int), AxisWeights>? vertical;
    [ThreadStatic] private static Dictionary<(int, int, int), HorizontalTable>? horizontal;

    public static AxisWeights Vertical(int source, int target)
    {
        var cache = vertical ??= new();
        if (!cache.TryGetValue((source, target), out AxisWeights? w))
        {
            if (cache.Count >= 512) cache.Clear();
            cache[(source, target)] = w = AxisWeights.For(source, target);
        }
        return w;
    }

    public static HorizontalTable Horizontal(int source, int target, int channels)
    {
        var cache = horizontal ??= new();
        if (!cache.TryGetValue((source, target, channels), out HorizontalTable? t))
        {
            if (cache.Count >= 512) cache.Clear();
            cache[(source, target, channels)] = t = HorizontalTable.Create(AxisWeights.For(source, target), source, channels);
        }
        return t;
    }
}
