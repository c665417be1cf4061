using GenderML.Imaging.Native;

namespace GenderML.Imaging.Png;

/// <summary>Encodes an <see cref="Image"/> as an 8-bit gray or RGB PNG with libpng's simplified write API.</summary>
internal static unsafe class PngEncoder
{
    /// <summary>The PNG file bytes of <paramref name="image"/>.</summary>
    public static byte[] Encode(Image image)
    {
        NativeLibraries.RequirePng();
        LibPng.PngImage png = default;
        png.Version = LibPng.ImageVersion;
        png.Width = (uint)image.Width;
        png.Height = (uint)image.Height;
        png.Format = image.Format == PixelFormat.Gray8 ? LibPng.FormatGray : LibPng.FormatRgb;
        int stride = image.Width * image.Channels;
        fixed (byte* src = image.Pixels)
        {
            try
            {
                nuint size = 0;
                if (LibPng.WriteToMemory(&png, null, &size, 0, src, stride, null) == 0)
                    throw new InvalidOperationException($"PNG encoding failed: {LibPng.MessageOf(&png)}");
                byte[] output = new byte[checked((int)size)];
                fixed (byte* dst = output)
                {
                    if (LibPng.WriteToMemory(&png, dst, &size, 0, src, stride, null) == 0)
                        throw new InvalidOperationException($"PNG encoding failed: {LibPng.MessageOf(&png)}");
                }
                return size == (nuint)output.Length ? output : output[..(int)size];
            }
            finally
            {
                LibPng.Free(&png);
            }
        }
    }
}
