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
    /// <summary>Resizes <paramref name="src"/> (<paramref name="sw"/>×<paramref name="sh"/>×<paramref name="channels"/>) into <paramref name="dst"/> (<paramref name="dw"/>×<paramref name="dh"/>).</summary>
    public static void Resize(ReadOnlySpan<byte> src, int sw, int sh, int channels, Span<byte> dst, int dw, int dh)
    {
        AxisWeights wy = AxisWeights.For(sh, dh);
        HorizontalTable hx = HorizontalTable.Create(AxisWeights.For(sw, dw), sw, channels);
        int rowLen = sw * channels;
        float[] row = ArrayPool<float>.Shared.Rent(rowLen);
        try
        {
            for (int y = 0; y < dh; y++)
            {
                Span<float> acc = row.AsSpan(0, rowLen);
                acc.Clear();
                int first = wy.Start[y];
                for (int k = 0; k < wy.Taps; k++)
                {
                    float w = wy.Weights[y * wy.Taps + k];
                    if (w != 0)
                        AccumulateRow(src.Slice((first + k) * rowLen, rowLen), w, acc);
                }
                HorizontalPass(acc, hx, dst.Slice(y * dw * channels, dw * channels));
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
            if (span == 2)
            {
                for (int j = 0; j < n; j++)
                {
                    float* p = r + first[j];
                    float* w = wts + 2 * j;
                    d[j] = ToByte(w[0] * p[0] + w[1] * p[ch]);
                }
            }
            else if (span == 3)
            {
                for (int j = 0; j < n; j++)
                {
                    float* p = r + first[j];
                    float* w = wts + 3 * j;
                    d[j] = ToByte(w[0] * p[0] + w[1] * p[ch] + w[2] * p[2 * ch]);
                }
            }
            else
            {
                for (int j = 0; j < n; j++)
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
    private HorizontalTable(int[] first, float[] weights, int span, int channels)
    {
        First = first;
        Weights = weights;
        Span = span;
        Channels = channels;
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
        return new HorizontalTable(first, weights, span, channels);
    }
}
