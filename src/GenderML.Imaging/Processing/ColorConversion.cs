namespace GenderML.Imaging.Processing;

/// <summary>Pixel colour conversions: RGB → gray (BT.601, as PIL rounds it) and Adobe-inverted CMYK → RGB/gray.</summary>
internal static class ColorConversion
{
    // PIL's rgb2l: L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16, i.e. 0.299/0.587/0.114 in 16-bit fixed point.
    internal const int WeightR = 19595, WeightG = 38470, WeightB = 7471;

    /// <summary><c>dst[i] = (19595 R + 38470 G + 7471 B + 32768) >> 16</c> for each RGB triple of <paramref name="rgb"/>.</summary>
    public static void RgbToGray(ReadOnlySpan<byte> rgb, Span<byte> gray)
    {
        int n = gray.Length;
        ref byte s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(rgb);
        ref byte d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(gray);
        if (rgb.Length < n * 3)
            throw new ArgumentException("rgb too short", nameof(rgb));
        for (int i = 0; i < n; i++)
        {
            int j = i * 3;
            System.Runtime.CompilerServices.Unsafe.Add(ref d, i) = (byte)((
                System.Runtime.CompilerServices.Unsafe.Add(ref s, j) * WeightR +
                System.Runtime.CompilerServices.Unsafe.Add(ref s, j + 1) * WeightG +
                System.Runtime.CompilerServices.Unsafe.Add(ref s, j + 2) * WeightB + 0x8000) >> 16);
        }
    }

    /// <summary>
    /// Converts Adobe-convention (inverted) CMYK to <paramref name="format"/> as PIL's "CMYK;I" → RGB does:
    /// with C = 255 − c, K' = k: <c>R = K' − round(C·K'/255)</c> (likewise G from m, B from y), then BT.601 gray if asked.
    /// </summary>
    public static void InvertedCmykTo(ReadOnlySpan<byte> cmyk, Span<byte> dst, PixelFormat format)
    {
        int n = cmyk.Length / 4;
        for (int i = 0; i < n; i++)
        {
            int nk = cmyk[i * 4 + 3];
            int r = nk - MulDiv255(255 - cmyk[i * 4], nk);
            int g = nk - MulDiv255(255 - cmyk[i * 4 + 1], nk);
            int b = nk - MulDiv255(255 - cmyk[i * 4 + 2], nk);
            if (format == PixelFormat.Gray8)
            {
                dst[i] = (byte)((r * WeightR + g * WeightG + b * WeightB + 0x8000) >> 16);
            }
            else
            {
                dst[i * 3] = (byte)r;
                dst[i * 3 + 1] = (byte)g;
                dst[i * 3 + 2] = (byte)b;
            }
        }
    }

    /// <summary>PIL's MULDIV255: <c>round(a·b/255)</c> in integers.</summary>
    private static int MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
