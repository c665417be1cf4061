using System.Runtime.InteropServices;
using GenderML.Imaging.Native;

namespace GenderML.Imaging.Jpeg;

/// <summary>Encodes an <see cref="Image"/> as baseline JPEG with TurboJPEG (4:2:0 for RGB, gray for gray).</summary>
internal static unsafe class JpegEncoder
{
    [ThreadStatic] private static TjHandle? compressor;

    /// <summary>The JPEG file bytes of <paramref name="image"/> at <paramref name="quality"/> (1–100), chroma 4:2:0 unless <paramref name="subsampling"/> says otherwise.</summary>
    public static byte[] Encode(Image image, int quality, int subsampling = TurboJpeg.Samp420)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        IntPtr handle = (compressor ??= TjHandle.CreateCompressor()).Ptr;
        bool gray = image.Format == PixelFormat.Gray8;
        byte* jpeg = null;
        CULong size = default;
        fixed (byte* src = image.Pixels)
        {
            try
            {
                int rc = TurboJpeg.Compress2(handle, src, image.Width, 0, image.Height,
                    gray ? TurboJpeg.PixelGray : TurboJpeg.PixelRgb, &jpeg, &size,
                    gray ? TurboJpeg.SampGray : subsampling, quality, TurboJpeg.FlagAccurateDct);
                if (rc != 0)
                    throw new InvalidOperationException($"JPEG encoding failed: {TurboJpeg.ErrorMessage(handle)}");
                return new ReadOnlySpan<byte>(jpeg, checked((int)size.Value)).ToArray();
            }
            finally
            {
                if (jpeg != null)
                    TurboJpeg.Free(jpeg);
            }
        }
    }

    /// <summary>Encodes raw 4-byte CMYK pixels (for tests of the CMYK/YCCK decoder).</summary>
    internal static byte[] EncodeCmyk(byte[] cmyk, int width, int height, int quality, int subsampling)
    {
        IntPtr handle = (compressor ??= TjHandle.CreateCompressor()).Ptr;
        byte* jpeg = null;
        CULong size = default;
        fixed (byte* src = cmyk)
        {
            try
            {
                if (TurboJpeg.Compress2(handle, src, width, 0, height, TurboJpeg.PixelCmyk, &jpeg, &size, subsampling, quality, 0) != 0)
                    throw new InvalidOperationException($"JPEG encoding failed: {TurboJpeg.ErrorMessage(handle)}");
                return new ReadOnlySpan<byte>(jpeg, checked((int)size.Value)).ToArray();
            }
            finally
            {
                if (jpeg != null)
                    TurboJpeg.Free(jpeg);
            }
        }
    }
}
