using GenderML.Imaging.Jpeg;
using GenderML.Imaging.Png;

namespace GenderML.Imaging;

public sealed partial class Image
{
    /// <summary>The image as PNG file bytes (8-bit gray or RGB, lossless).</summary>
    /// <exception cref="DllNotFoundException">libpng is not installed.</exception>
    public byte[] EncodePng() => PngEncoder.Encode(this);

    /// <summary>The image as baseline JPEG file bytes at <paramref name="quality"/> (1–100; chroma 4:2:0 for RGB).</summary>
    /// <exception cref="DllNotFoundException">libturbojpeg is not installed.</exception>
    public byte[] EncodeJpeg(int quality = 90) => JpegEncoder.Encode(this, quality);

    /// <summary>Writes <see cref="EncodePng"/> to <paramref name="path"/>, replacing any file there.</summary>
    public void SavePng(string path) => File.WriteAllBytes(path, EncodePng());

    /// <summary>Writes <see cref="EncodeJpeg"/> to <paramref name="path"/>, replacing any file there.</summary>
    public void SaveJpeg(string path, int quality = 90) => File.WriteAllBytes(path, EncodeJpeg(quality));
}
