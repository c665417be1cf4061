using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Imaging.Processing;

/// <summary>
/// Separable resize of interleaved 8-bit pixels: a vertical pass (SIMD over whole rows) into a float row,
/// then a horizontal pass, each with <see cref="AxisWeights"/>; results rounded half up and clamped.
/// </summary>
internal static class Resampler
{
    /// <summary>Resizes <paramref name="src"/> (<paramref name="sw"/>×<paramref name="sh"/>×<paramref name="channels"/>) into <paramref name="dst"/> (<paramref name="dw"/>×<paramref name="dh"/>).</summary>
    public static void Resize(ReadOnlySpan<byte> src, int sw, int sh, int channels, Span<byte> dst, int dw, int dh)
    {
        AxisWeights wx = AxisWeights.For(sw, dw), wy = AxisWeights.For(sh, dh);
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
                HorizontalPass(acc, channels, wx, dst.Slice(y * dw * channels, dw * channels));
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
            else if (Avx2.IsSupported)
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

    private static void HorizontalPass(ReadOnlySpan<float> row, int channels, AxisWeights wx, Span<byte> dst)
    {
        int dw = dst.Length / channels, taps = wx.Taps;
        ref float w0 = ref MemoryMarshal.GetArrayDataReference(wx.Weights);
        for (int x = 0; x < dw; x++)
        {
            int first = wx.Start[x];
            for (int c = 0; c < channels; c++)
            {
                float sum = 0;
                for (int k = 0; k < taps; k++)
                {
                    float w = Unsafe.Add(ref w0, x * taps + k);
                    if (w != 0)
                        sum += w * row[(first + k) * channels + c];
                }
                dst[x * channels + c] = ToByte(sum);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(int)(v + 0.5f);
}
