using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GenderML.Core;

namespace GenderML.Data;

/// <summary>
/// uint8 samples (each N×N, channels interleaved, as <see cref="Preprocessor"/> and <see cref="PixelCache"/> hold them)
/// → float NCHW: <c>destination[((i·C + c)·N + y)·N + x] = a[c]·pixels[i][(y·N + x)·C + c] + b[c]</c>, with a, b from
/// <see cref="PixelNormalization"/>. Writes into a caller-given buffer; allocates nothing.
/// </summary>
internal static class PixelTensor
{
    /// <summary>Converts <paramref name="count"/> consecutive samples of <paramref name="options"/>' shape into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A buffer is too small.</exception>
    public static void ToFloats(ReadOnlySpan<byte> pixels, int count, PreprocessOptions options, PixelNormalization normalization, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(normalization);
        int per = options.BytesPerImage;
        if (count < 0 || pixels.Length < (long)count * per) throw new ArgumentException($"{count} samples of {options.Key} need {(long)count * per} bytes, got {pixels.Length}", nameof(pixels));
        if (destination.Length < (long)count * per) throw new ArgumentException($"{count} samples of {options.Key} need {(long)count * per} floats, got {destination.Length}", nameof(destination));
        int plane = options.Size * options.Size, channels = options.Channels;
        for (int i = 0; i < count; i++)
        {
            var src = pixels.Slice(i * per, per);
            var dst = destination.Slice(i * per, per);
            if (channels == 1)
            {
                var (a, b) = normalization.Affine(0);
                ScaleBytes(src, a, b, dst);
            }
            else
            {
                for (int c = 0; c < channels; c++)
                {
                    var (a, b) = normalization.Affine(c);
                    Deinterleave(src, c, channels, a, b, dst.Slice(c * plane, plane));
                }
            }
        }
    }

    /// <summary>Converts samples into <paramref name="destination"/>, whose shape must be [count, C, N, N].</summary>
    /// <exception cref="ArgumentException">The tensor's shape does not match.</exception>
    public static void ToTensor(ReadOnlySpan<byte> pixels, int count, PreprocessOptions options, PixelNormalization normalization, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        if (!destination.HasShape(count, options.Channels, options.Size, options.Size))
            throw new ArgumentException($"{destination} is not [{count}, {options.Channels}, {options.Size}, {options.Size}]", nameof(destination));
        ToFloats(pixels, count, options, normalization, destination.AsSpan());
    }

    /// <summary><c>dst[i] = a·src[i] + b</c>, 16 bytes a step with 512-bit vectors where available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleBytes(ReadOnlySpan<byte> src, float a, float b, Span<float> dst)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && src.Length >= 16)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            ref byte s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
            ref float d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
            for (; i <= src.Length - 16; i += 16)
            {
                var bytes = Vector128.LoadUnsafe(ref s, (nuint)i);
                var ints = Vector512.WidenLower(Vector512.WidenLower(bytes.ToVector256().ToVector512())).AsInt32();
                var f = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(ints), va, vb);
                f.StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < src.Length; i++) dst[i] = a * src[i] + b;
    }

    private static void Deinterleave(ReadOnlySpan<byte> src, int channel, int channels, float a, float b, Span<float> dst)
    {
        for (int p = 0, q = channel; p < dst.Length; p++, q += channels) dst[p] = a * src[q] + b;
    }

    /// <summary>The naive reference of <see cref="ToFloats"/>: one scalar formula per element.</summary>
    internal static void ToFloatsReference(ReadOnlySpan<byte> pixels, int count, PreprocessOptions options, PixelNormalization normalization, Span<float> destination)
    {
        int n = options.Size, c = options.Channels;
        for (int i = 0; i < count; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < n; y++)
                    for (int x = 0; x < n; x++)
                    {
                        int m = Math.Min(ch, normalization.Mean.Count - 1);
                        float p = pixels[i * n * n * c + (y * n + x) * c + ch];
                        destination[((i * c + ch) * n + y) * n + x] = (p / 255f - normalization.Mean[m]) / normalization.Std[m];
                    }
    }
}
