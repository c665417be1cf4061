using System.Runtime.InteropServices;

namespace GenderML.Imaging.Native;

/// <summary>
/// libpng 1.6's "simplified API" (png.h, section "SIMPLIFIED API"). Only this part of libpng is used:
/// the classic API reports errors by <c>longjmp</c>, which must never cross managed frames, while the
/// simplified API catches them in C and returns 0 with a <see cref="PngImage.Message"/>.
/// </summary>
internal static unsafe partial class LibPng
{
    public const uint ImageVersion = 1;
    public const uint FormatFlagAlpha = 0x01;
    public const uint FormatFlagColor = 0x02;
    public const uint FormatFlagLinear = 0x04;
    public const uint FormatFlagColormap = 0x08;
    public const uint FormatGray = 0;
    public const uint FormatGrayAlpha = FormatFlagAlpha;
    public const uint FormatRgb = FormatFlagColor;
    public const uint FormatRgba = FormatFlagColor | FormatFlagAlpha;
    public const uint Flag16BitSrgb = 0x04;
    public const int MessageMax = 64;

    static LibPng() => NativeLibraries.EnsureRegistered();

    /// <summary>png.h's <c>png_image</c> (PNG_IMAGE_VERSION 1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PngImage
    {
        public IntPtr Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[MessageMax];
    }

    [LibraryImport(NativeLibraries.PngName, EntryPoint = "png_image_begin_read_from_memory")]
    public static partial int BeginReadFromMemory(PngImage* image, byte* memory, nuint size);

    [LibraryImport(NativeLibraries.PngName, EntryPoint = "png_image_finish_read")]
    public static partial int FinishRead(PngImage* image, byte* background, byte* buffer, int rowStride, byte* colormap);

    [LibraryImport(NativeLibraries.PngName, EntryPoint = "png_image_free")]
    public static partial void Free(PngImage* image);

    [LibraryImport(NativeLibraries.PngName, EntryPoint = "png_image_write_to_memory")]
    public static partial int WriteToMemory(PngImage* image, byte* memory, nuint* memoryBytes, int convertTo8Bit,
        byte* buffer, int rowStride, byte* colormap);

    /// <summary>The image's message as text.</summary>
    public static string MessageOf(PngImage* image)
    {
        string text = Marshal.PtrToStringUTF8((IntPtr)image->Message) ?? "";
        return text.Length == 0 ? "unknown libpng error" : text;
    }
}
