using System.Buffers;
using GenderML.Imaging.Jpeg;
using GenderML.Imaging.Processing;

namespace GenderML.Imaging;

public sealed partial class Image
{
    /// <summary>
    /// Decodes the file at <paramref name="path"/> and resizes it to exactly <paramref name="width"/> ×
    /// <paramref name="height"/> in <paramref name="format"/> (aspect ratio not kept): JPEGs are decoded at the
    /// smallest DCT scale that is still at least that size (gray straight from luma), then area-averaged.
    /// </summary>
    /// <remarks>One call for the common "decode + resize to N×N gray" path; the intermediate image comes from a pool.</remarks>
    /// <exception cref="ImageLoadException">The file is not a decodable image.</exception>
    public static Image LoadResized(string path, int width, int height, PixelFormat format, ImageLoadOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ImageLoadOptions o = (options ?? ImageLoadOptions.Default) with { MinWidth = width, MinHeight = height, Format = format };
        ReadOnlySpan<byte> bytes = ReadFile(path, o);
        if (ImageFormatSniffer.Detect(bytes) == ImageFileFormat.Jpeg)
        {
            // Hot path: decode into a pooled buffer and resize from it; only the result is allocated.
            byte[] pooled = JpegDecoder.DecodePooled(bytes, o, path, out int w, out int h, out _);
            try
            {
                byte[] resized = GC.AllocateUninitializedArray<byte>(width * height * (int)format);
                if (w == width && h == height)
                    pooled.AsSpan(0, resized.Length).CopyTo(resized);
                else
                    Resampler.Resize(pooled.AsSpan(0, w * h * (int)format), w, h, (int)format, resized, width, height);
                return new Image(width, height, format, resized);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(pooled);
            }
        }
        Image decoded = Decode(bytes, o, path);
        if (decoded.Width == width && decoded.Height == height)
            return decoded;
        byte[] output = new byte[width * height * (int)format];
        Resampler.Resize(decoded.Pixels, decoded.Width, decoded.Height, decoded.Channels, output, width, height);
        return new Image(width, height, format, output);
    }
}
