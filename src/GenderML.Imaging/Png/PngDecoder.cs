using System.Buffers;
using GenderML.Imaging.Native;
using GenderML.Imaging.Processing;

namespace GenderML.Imaging.Png;

/// <summary>
/// Decodes PNG with libpng's simplified API: gray, RGB, palette (expanded), 16-bit (reduced to 8 bits,
/// treating 16-bit samples without gAMA/sRGB as sRGB-encoded), with alpha.
/// </summary>
/// <remarks>
/// Alpha is dropped (the stored colour is kept, un-composited), as PIL's <c>convert("RGB")</c> and
/// OpenCV's <c>imread</c> do. Gray output from a colour PNG uses BT.601 weights on the 8-bit values
/// (<see cref="ColorConversion.RgbToGray"/>), not libpng's linear-light conversion, so it matches PIL.
/// </remarks>
internal static unsafe class PngDecoder
{
    /// <summary>Decodes <paramref name="png"/>; <paramref name="name"/> goes into error messages.</summary>
    public static Image Decode(ReadOnlySpan<byte> png, ImageLoadOptions options, string name)
    {
        if (PngRowReducer.TryDecode(png, options, name) is { } reduced)
            return reduced; // a large PNG with a target size: row by row, never whole in memory
        NativeLibraries.RequirePng();
        LibPng.PngImage image = default;
        image.Version = LibPng.ImageVersion;
        fixed (byte* src = png)
        {
            try
            {
                if (LibPng.BeginReadFromMemory(&image, src, (nuint)png.Length) == 0)
                    throw new ImageLoadException(name, $"not a valid PNG ({LibPng.MessageOf(&image)})");
                ImageLimits.Check(name, image.Width, image.Height, options);
                int w = (int)image.Width, h = (int)image.Height;

                bool color = (image.Format & LibPng.FormatFlagColor) != 0;
                bool alpha = (image.Format & LibPng.FormatFlagAlpha) != 0;
                PixelFormat format = options.Format ?? (color ? PixelFormat.Rgb24 : PixelFormat.Gray8);
                int stored = (color ? 3 : 1) + (alpha ? 1 : 0);
                image.Format = (color ? LibPng.FormatFlagColor : 0) | (alpha ? LibPng.FormatFlagAlpha : 0);
                image.Flags |= LibPng.Flag16BitSrgb;

                byte[] output = new byte[checked(w * h * (int)format)];
                if (stored == (int)format)
                {
                    fixed (byte* dst = output)
                        Finish(&image, dst, w * stored, name);
                    return new Image(w, h, format, output);
                }

                byte[] tmp = ArrayPool<byte>.Shared.Rent(checked(w * h * stored));
                try
                {
                    fixed (byte* dst = tmp)
                        Finish(&image, dst, w * stored, name);
                    Convert(tmp.AsSpan(0, w * h * stored), stored, output, format);
                    return new Image(w, h, format, output);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(tmp);
                }
            }
            finally
            {
                LibPng.Free(&image);
            }
        }
    }

    private static void Finish(LibPng.PngImage* image, byte* dst, int stride, string name)
    {
        if (LibPng.FinishRead(image, null, dst, stride, null) == 0)
            throw new ImageLoadException(name, $"corrupt or truncated PNG ({LibPng.MessageOf(image)})");
    }

    /// <summary>Drops alpha and converts gray ↔ RGB: <paramref name="src"/> has <paramref name="stored"/> bytes a pixel (1–4).</summary>
    private static void Convert(ReadOnlySpan<byte> src, int stored, Span<byte> dst, PixelFormat format)
    {
        int n = src.Length / stored;
        if (format == PixelFormat.Rgb24)
        {
            for (int i = 0; i < n; i++)
            {
                if (stored >= 3)
                {
                    dst[i * 3] = src[i * stored];
                    dst[i * 3 + 1] = src[i * stored + 1];
                    dst[i * 3 + 2] = src[i * stored + 2];
                }
                else
                {
                    byte v = src[i * stored];
                    dst[i * 3] = v;
                    dst[i * 3 + 1] = v;
                    dst[i * 3 + 2] = v;
                }
            }
        }
        else if (stored >= 3)
        {
            for (int i = 0; i < n; i++)
            {
                int j = i * stored;
                dst[i] = (byte)((src[j] * ColorConversion.WeightR + src[j + 1] * ColorConversion.WeightG + src[j + 2] * ColorConversion.WeightB + 0x8000) >> 16);
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
                dst[i] = src[i * stored];
        }
    }
}
