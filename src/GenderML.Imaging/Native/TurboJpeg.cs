using System.Runtime.InteropServices;

namespace GenderML.Imaging.Native;

/// <summary>
/// The TurboJPEG 2 API of libjpeg-turbo (2.0/2.1: <c>tjInitDecompress</c> … <c>tjDestroy</c>), as
/// declared in turbojpeg.h. All functions report errors by return value; none longjmps into managed code.
/// </summary>
/// <remarks>
/// <c>unsigned long</c> is 64-bit on Linux/macOS and 32-bit on Windows, hence <see cref="CULong"/>.
/// Reference: https://libjpeg-turbo.org/Documentation/Documentation (TurboJPEG C API 2.1).
/// </remarks>
internal static partial class TurboJpeg
{
    // Pixel formats (enum TJPF).
    public const int PixelRgb = 0;
    public const int PixelGray = 6;
    public const int PixelCmyk = 11;

    // Chroma subsampling (enum TJSAMP).
    public const int Samp444 = 0;
    public const int Samp422 = 1;
    public const int Samp420 = 2;
    public const int SampGray = 3;
    public const int Samp440 = 4;
    public const int Samp411 = 5;

    // JPEG colour spaces (enum TJCS).
    public const int ColorRgb = 0;
    public const int ColorYCbCr = 1;
    public const int ColorGray = 2;
    public const int ColorCmyk = 3;
    public const int ColorYcck = 4;

    // Flags.
    public const int FlagNoRealloc = 1024;
    public const int FlagAccurateDct = 4096;
    public const int FlagProgressive = 16384;

    // Error codes (enum TJERR).
    public const int ErrorWarning = 0;
    public const int ErrorFatal = 1;

    static TurboJpeg() => NativeLibraries.EnsureRegistered();

    [StructLayout(LayoutKind.Sequential)]
    public struct ScalingFactor
    {
        public int Num;
        public int Denom;
    }

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjInitDecompress")]
    public static partial IntPtr InitDecompress();

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjInitCompress")]
    public static partial IntPtr InitCompress();

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjDestroy")]
    public static partial int Destroy(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjDecompressHeader3")]
    public static unsafe partial int DecompressHeader3(IntPtr handle, byte* jpegBuf, CULong jpegSize,
        out int width, out int height, out int subsamp, out int colorspace);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjDecompress2")]
    public static unsafe partial int Decompress2(IntPtr handle, byte* jpegBuf, CULong jpegSize,
        byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjCompress2")]
    public static unsafe partial int Compress2(IntPtr handle, byte* srcBuf, int width, int pitch, int height,
        int pixelFormat, byte** jpegBuf, CULong* jpegSize, int jpegSubsamp, int jpegQual, int flags);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjGetErrorStr2")]
    public static partial IntPtr GetErrorStr2(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjGetScalingFactors")]
    public static unsafe partial ScalingFactor* GetScalingFactors(out int count);

    [LibraryImport(NativeLibraries.TurboJpegName, EntryPoint = "tjFree")]
    public static unsafe partial void Free(byte* buffer);

    /// <summary>The handle's last error message.</summary>
    public static string ErrorMessage(IntPtr handle) => Marshal.PtrToStringUTF8(GetErrorStr2(handle)) ?? "unknown TurboJPEG error";
}
