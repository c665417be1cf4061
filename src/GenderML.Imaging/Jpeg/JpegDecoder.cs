using System.Runtime.InteropServices;
using System.Buffers;
using GenderML.Imaging.Native;
using GenderML.Imaging.Processing;

namespace GenderML.Imaging.Jpeg;

/// <summary>
/// Decodes JPEG through TurboJPEG: header first (size limit, colour space), then straight into the output
/// array at the smallest DCT scaling factor that still meets the requested size, in the requested format.
/// </summary>
/// <remarks>
/// One decompressor handle per thread, created on first use and destroyed when the thread ends.
/// Truncated data (libjpeg's "Premature end of JPEG file" warning, after which it pads the image with
/// grey) is an error; other libjpeg warnings (e.g. extraneous bytes before a marker) are accepted,
/// as PIL and OpenCV accept them. CMYK/YCCK are decoded as CMYK and converted with the Adobe convention
/// (stored values inverted), as PIL does.
/// </remarks>
internal static unsafe class JpegDecoder
{
    [ThreadStatic] private static TjHandle? decompressor;

    private static readonly Lazy<TurboJpeg.ScalingFactor[]> ScalingFactors = new(LoadScalingFactors);

    /// <summary>What to decode: the stored frame, the scale, the output size and layout.</summary>
    private readonly record struct Plan(int ScaledWidth, int ScaledHeight, int Orientation, bool Cmyk, PixelFormat Format)
    {
        public int Channels => (int)Format;

        public int OutputWidth => Processing.Orientation.SwapsAxes(Orientation) ? ScaledHeight : ScaledWidth;

        public int OutputHeight => Processing.Orientation.SwapsAxes(Orientation) ? ScaledWidth : ScaledHeight;

        public int OutputBytes => ScaledWidth * ScaledHeight * Channels;
    }

    /// <summary>Decodes <paramref name="jpeg"/>; <paramref name="name"/> goes into error messages.</summary>
    public static Image Decode(ReadOnlySpan<byte> jpeg, ImageLoadOptions options, string name)
    {
        IntPtr handle = (decompressor ??= TjHandle.CreateDecompressor()).Ptr;
        Plan plan = MakePlan(handle, jpeg, options, name);
        byte[] output = GC.AllocateUninitializedArray<byte>(plan.OutputBytes);
        DecodeInto(handle, jpeg, plan, output, name);
        return new Image(plan.OutputWidth, plan.OutputHeight, plan.Format, output);
    }

    /// <summary>
    /// Decodes <paramref name="jpeg"/> into an array rented from <see cref="ArrayPool{T}.Shared"/> (the caller returns it);
    /// the pixels are its first <c>width · height · channels</c> bytes.
    /// </summary>
    public static byte[] DecodePooled(ReadOnlySpan<byte> jpeg, ImageLoadOptions options, string name, out int width, out int height, out PixelFormat format)
    {
        IntPtr handle = (decompressor ??= TjHandle.CreateDecompressor()).Ptr;
        Plan plan = MakePlan(handle, jpeg, options, name);
        byte[] output = ArrayPool<byte>.Shared.Rent(plan.OutputBytes);
        try
        {
            DecodeInto(handle, jpeg, plan, output, name);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(output);
            throw;
        }
        (width, height, format) = (plan.OutputWidth, plan.OutputHeight, plan.Format);
        return output;
    }

    /// <summary>
    /// Reads the frame size from the markers (one managed pass, so libjpeg parses the header only once, in
    /// tjDecompress2), checks the size limit and picks the scale. Headers the managed scan cannot read go to
    /// tjDecompressHeader3, for its verdict and error message.
    /// </summary>
    private static Plan MakePlan(IntPtr handle, ReadOnlySpan<byte> jpeg, ImageLoadOptions options, string name)
    {
        JpegMarkers.Header header = JpegMarkers.Scan(jpeg);
        int width = header.Width, height = header.Height, components = header.Components;
        if (width == 0 || height == 0 || components is not (1 or 3 or 4))
        {
            fixed (byte* src = jpeg)
            {
                if (TurboJpeg.DecompressHeader3(handle, src, new CULong((nuint)jpeg.Length), out width, out height, out _, out int colorspace) != 0)
                    throw HeaderError(handle, name);
                components = colorspace switch { TurboJpeg.ColorGray => 1, TurboJpeg.ColorCmyk or TurboJpeg.ColorYcck => 4, _ => 3 };
            }
        }
        ImageLimits.Check(name, width, height, options);

        int orientation = options.ApplyExifOrientation ? header.Orientation : 1;
        (int needW, int needH) = Orientation.SwapsAxes(orientation) ? (options.MinHeight, options.MinWidth) : (options.MinWidth, options.MinHeight);
        TurboJpeg.ScalingFactor f = ChooseScale(width, height, needW, needH);
        PixelFormat format = options.Format ?? (components == 1 ? PixelFormat.Gray8 : PixelFormat.Rgb24);
        return new Plan(Scaled(width, f), Scaled(height, f), orientation, components == 4, format);
    }

    private static void DecodeInto(IntPtr handle, ReadOnlySpan<byte> jpeg, Plan plan, byte[] output, string name)
    {
        int w = plan.ScaledWidth, h = plan.ScaledHeight, channels = plan.Channels;
        fixed (byte* src = jpeg)
        {
            CULong size = new((nuint)jpeg.Length);
            if (!plan.Cmyk && plan.Orientation == 1)
            {
                fixed (byte* dst = output)
                    Decompress(handle, src, size, dst, w, h, channels == 1 ? TurboJpeg.PixelGray : TurboJpeg.PixelRgb, name);
                return;
            }

            int tmpChannels = plan.Cmyk ? 4 : channels;
            byte[] tmp = ArrayPool<byte>.Shared.Rent(w * h * tmpChannels);
            byte[]? converted = null;
            try
            {
                fixed (byte* dst = tmp)
                    Decompress(handle, src, size, dst, w, h, plan.Cmyk ? TurboJpeg.PixelCmyk : channels == 1 ? TurboJpeg.PixelGray : TurboJpeg.PixelRgb, name);
                Span<byte> pixels = tmp.AsSpan(0, w * h * tmpChannels);
                if (plan.Cmyk)
                {
                    converted = plan.Orientation == 1 ? output : ArrayPool<byte>.Shared.Rent(w * h * channels);
                    ColorConversion.InvertedCmykTo(pixels, converted.AsSpan(0, w * h * channels), plan.Format);
                    pixels = converted.AsSpan(0, w * h * channels);
                }
                if (plan.Orientation != 1)
                    Orientation.Apply(pixels, w, h, channels, plan.Orientation, output);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(tmp);
                if (converted is not null && converted != output)
                    ArrayPool<byte>.Shared.Return(converted);
            }
        }
    }

    /// <summary>Reads only the header: stored width, height, and whether the JPEG is gray.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> jpeg, string name)
    {
        IntPtr handle = (decompressor ??= TjHandle.CreateDecompressor()).Ptr;
        fixed (byte* src = jpeg)
        {
            if (TurboJpeg.DecompressHeader3(handle, src, new CULong((nuint)jpeg.Length), out int width, out int height, out _, out _) != 0)
                throw HeaderError(handle, name);
            return (width, height);
        }
    }

    private static void Decompress(IntPtr handle, byte* src, CULong size, byte* dst, int w, int h, int pixelFormat, string name)
    {
        if (TurboJpeg.Decompress2(handle, src, size, dst, w, 0, h, pixelFormat, 0) == 0)
            return;
        string message = TurboJpeg.ErrorMessage(handle);
        bool fatal = TurboJpeg.GetErrorCode(handle) == TurboJpeg.ErrorFatal;
        if (fatal || message.Contains("premature end", StringComparison.OrdinalIgnoreCase))
        {
            DiscardHandle();
            throw new ImageLoadException(name, fatal ? $"corrupt JPEG ({message})" : $"truncated JPEG ({message})");
        }
        // Any other warning: libjpeg recovered and the pixels are complete.
    }

    /// <summary>
    /// The error for a failed header read. TurboJPEG 2.1 leaves the decompressor mid-header after such an
    /// error (the next header read then fails spuriously), so the thread's handle is replaced.
    /// </summary>
    private static ImageLoadException HeaderError(IntPtr handle, string name)
    {
        string message = TurboJpeg.ErrorMessage(handle);
        DiscardHandle();
        return message.Contains("premature end", StringComparison.OrdinalIgnoreCase)
            ? new ImageLoadException(name, $"truncated JPEG header ({message})")
            : new ImageLoadException(name, $"not a valid JPEG ({message})");
    }

    private static void DiscardHandle()
    {
        decompressor?.Dispose();
        decompressor = null;
    }

    /// <summary>
    /// The smallest of the scaling factors 1/8, 1/4, 1/2 and 1 whose output is at least <paramref name="needW"/> ×
    /// <paramref name="needH"/>; 1/1 when no target is set or the image is smaller than the target.
    /// </summary>
    /// <remarks>
    /// TurboJPEG also offers n/8 for other n (and up to 16/8), but libjpeg-turbo has SIMD inverse DCTs only for the 8×8,
    /// 4×4, 2×2 and 1×1 outputs: a 5/8 decode runs a scalar 5×5 IDCT and measured slower than the full-size decode
    /// (43 µs against 40 µs for a 83×108 gray face), so those factors are never chosen.
    /// </remarks>
    internal static TurboJpeg.ScalingFactor ChooseScale(int width, int height, int needW, int needH)
    {
        TurboJpeg.ScalingFactor best = new() { Num = 1, Denom = 1 };
        if (needW <= 0 && needH <= 0)
            return best;
        foreach (TurboJpeg.ScalingFactor f in ScalingFactors.Value)
        {
            if (IsSimdScale(f) && f.Num * best.Denom < best.Num * f.Denom && Scaled(width, f) >= needW && Scaled(height, f) >= needH)
                best = f;
        }
        return best;
    }

    private static bool IsSimdScale(TurboJpeg.ScalingFactor f) => f.Num * 8 is var eighths && eighths % f.Denom == 0 && (eighths / f.Denom) is 1 or 2 or 4 or 8;

    /// <summary>TurboJPEG's TJSCALED: <c>ceil(dim * num / denom)</c>.</summary>
    internal static int Scaled(int dimension, TurboJpeg.ScalingFactor f) => (int)(((long)dimension * f.Num + f.Denom - 1) / f.Denom);

    private static TurboJpeg.ScalingFactor[] LoadScalingFactors()
    {
        NativeLibraries.RequireTurboJpeg();
        TurboJpeg.ScalingFactor* factors = TurboJpeg.GetScalingFactors(out int count);
        if (factors == null || count <= 0)
            return [new() { Num = 1, Denom = 1 }];
        return new ReadOnlySpan<TurboJpeg.ScalingFactor>(factors, count).ToArray();
    }
}
