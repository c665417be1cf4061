using GenderML.Imaging.Processing;

namespace GenderML.Imaging;

public sealed partial class Image
{
    /// <summary>
    /// A new image of <paramref name="width"/> × <paramref name="height"/>: each axis that shrinks is
    /// area-averaged (every output pixel is the mean of the input area it covers, weighted by overlap, as
    /// OpenCV's INTER_AREA); each axis that grows is interpolated linearly (pixel centres at half-integers,
    /// as OpenCV's INTER_LINEAR). Results are rounded half up.
    /// </summary>
    public Image Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == Width && height == Height)
            return new Image(Width, Height, Format, (byte[])Pixels.Clone());
        byte[] output = new byte[checked(width * height * Channels)];
        Resampler.Resize(Pixels, Width, Height, Channels, output, width, height);
        return new Image(width, height, Format, output);
    }

    /// <summary>The <paramref name="width"/> × <paramref name="height"/> rectangle whose top-left corner is (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rectangle is empty or not inside the image.</exception>
    public Image Crop(int x, int y, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (x < 0 || y < 0 || (long)x + width > Width || (long)y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"crop {x},{y} {width}x{height} is not inside the {Width}x{Height} image");
        byte[] output = new byte[width * height * Channels];
        int rowBytes = width * Channels;
        for (int row = 0; row < height; row++)
            Pixels.AsSpan(((y + row) * Width + x) * Channels, rowBytes).CopyTo(output.AsSpan(row * rowBytes));
        return new Image(width, height, Format, output);
    }

    /// <summary>
    /// The <paramref name="width"/> × <paramref name="height"/> rectangle whose top-left corner is (<paramref name="x"/>,
    /// <paramref name="y"/>), which may reach beyond the image: pixels outside it repeat the nearest edge pixel.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rectangle is empty.</exception>
    public Image CropExtended(int x, int y, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (x >= 0 && y >= 0 && (long)x + width <= Width && (long)y + height <= Height) return Crop(x, y, width, height);
        int c = Channels;
        byte[] output = new byte[checked(width * height * c)];
        // Columns [left, right) of the output read the image directly; those before and after repeat its edge columns.
        int left = Math.Clamp(-x, 0, width), right = Math.Clamp(Width - x, left, width);
        for (int row = 0; row < height; row++)
        {
            var src = Pixels.AsSpan(Math.Clamp(y + row, 0, Height - 1) * Width * c, Width * c);
            var dst = output.AsSpan(row * width * c, width * c);
            if (right > left) src.Slice((x + left) * c, (right - left) * c).CopyTo(dst.Slice(left * c));
            for (int col = 0; col < left; col++) src[..c].CopyTo(dst.Slice(col * c));
            for (int col = right; col < width; col++) src[^c..].CopyTo(dst.Slice(col * c));
        }
        return new Image(width, height, Format, output);
    }

    /// <summary>
    /// The central <paramref name="width"/> × <paramref name="height"/> rectangle: left edge at
    /// <c>(Width − width) / 2</c> rounded down, top edge likewise (as torchvision's CenterCrop rounds).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The image is smaller than the crop.</exception>
    public Image CenterCrop(int width, int height)
    {
        if (width > Width || height > Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"cannot centre-crop {width}x{height} from a {Width}x{Height} image");
        return Crop((Width - width) / 2, (Height - height) / 2, width, height);
    }

    /// <summary>
    /// A square image of side <c>max(Width, Height)</c> with this image centred in it (offset rounded down)
    /// and the rest filled with <paramref name="fill"/> (every channel of a fill pixel = <paramref name="fill"/>).
    /// </summary>
    public Image PadToSquare(byte fill = 0)
    {
        int side = Math.Max(Width, Height);
        byte[] output = new byte[checked(side * side * Channels)];
        if (fill != 0)
            output.AsSpan().Fill(fill);
        int ox = (side - Width) / 2, oy = (side - Height) / 2, rowBytes = Width * Channels;
        for (int row = 0; row < Height; row++)
            Pixels.AsSpan(row * rowBytes, rowBytes).CopyTo(output.AsSpan(((oy + row) * side + ox) * Channels));
        return new Image(side, side, Format, output);
    }

    /// <summary>The mirror image: pixel (x, y) becomes pixel (Width − 1 − x, y).</summary>
    public Image FlipHorizontal()
    {
        byte[] output = new byte[Pixels.Length];
        int c = Channels;
        for (int y = 0; y < Height; y++)
        {
            ReadOnlySpan<byte> src = Pixels.AsSpan(y * Width * c, Width * c);
            Span<byte> dst = output.AsSpan(y * Width * c, Width * c);
            if (c == 1)
            {
                src.CopyTo(dst);
                dst.Reverse();
                continue;
            }
            for (int x = 0; x < Width; x++)
                src.Slice(x * c, c).CopyTo(dst.Slice((Width - 1 - x) * c, c));
        }
        return new Image(Width, Height, Format, output);
    }

    /// <summary>
    /// The gray image: <c>L = (19595·R + 38470·G + 7471·B + 32768) >> 16</c>, i.e. BT.601 weights
    /// 0.299/0.587/0.114 rounded exactly as PIL's <c>convert("L")</c>. A gray image is copied.
    /// </summary>
    public Image ToGray()
    {
        if (Format == PixelFormat.Gray8)
            return new Image(Width, Height, Format, (byte[])Pixels.Clone());
        byte[] output = new byte[Width * Height];
        ColorConversion.RgbToGray(Pixels, output);
        return new Image(Width, Height, PixelFormat.Gray8, output);
    }

    /// <summary>This image in <paramref name="format"/>: gray via <see cref="ToGray"/>, RGB by repeating the gray value.</summary>
    public Image ConvertTo(PixelFormat format)
    {
        if (format == Format)
            return new Image(Width, Height, Format, (byte[])Pixels.Clone());
        if (format == PixelFormat.Gray8)
            return ToGray();
        byte[] output = new byte[Width * Height * 3];
        for (int i = 0; i < Pixels.Length; i++)
        {
            byte v = Pixels[i];
            output[i * 3] = v;
            output[i * 3 + 1] = v;
            output[i * 3 + 2] = v;
        }
        return new Image(Width, Height, PixelFormat.Rgb24, output);
    }
}
