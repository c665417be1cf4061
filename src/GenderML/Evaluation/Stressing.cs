using GenderML.Imaging;

namespace GenderML.Evaluation;

/// <summary>The degradations of <see cref="ImageStress"/>, image in, new image out.</summary>
internal static class Stressing
{
    /// <summary>The names of the stresses as the CLI and cache keys write them (<c>gray</c>, <c>dark</c>, <c>jpeg15</c>, <c>blur</c>).</summary>
    public static string Name(ImageStress stress) => stress switch
    {
        ImageStress.Gray => "gray",
        ImageStress.Dark => "dark",
        ImageStress.Jpeg15 => "jpeg15",
        ImageStress.Blur => "blur",
        _ => throw new ArgumentOutOfRangeException(nameof(stress), stress, "not an ImageStress"),
    };

    /// <summary><paramref name="image"/> degraded by <paramref name="stress"/>, in its own pixel format.</summary>
    public static Image Apply(Image image, ImageStress stress)
    {
        ArgumentNullException.ThrowIfNull(image);
        return stress switch
        {
            ImageStress.Gray => image.ToGray().ConvertTo(image.Format),
            ImageStress.Dark => Dark(image),
            ImageStress.Jpeg15 => Image.Load(image.EncodeJpeg(15)).ConvertTo(image.Format),
            ImageStress.Blur => Blur(image, Math.Max(image.Width, image.Height) / 60.0),
            _ => throw new ArgumentOutOfRangeException(nameof(stress), stress, "not an ImageStress"),
        };
    }

    private static Image Dark(Image image)
    {
        Span<byte> table = stackalloc byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)Math.Round(255 * 0.5 * Math.Pow(v / 255.0, 1.5));
        var output = new byte[image.Pixels.Length];
        for (int i = 0; i < output.Length; i++) output[i] = table[image.Pixels[i]];
        return new Image(image.Width, image.Height, image.Format, output);
    }

    /// <summary>A separable Gaussian blur of standard deviation <paramref name="sigma"/> pixels, the border extended.</summary>
    internal static Image Blur(Image image, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.Exp(-k * k / (2 * sigma * sigma));
        for (int k = 0; k < kernel.Length; k++) kernel[k] /= sum;
        int w = image.Width, h = image.Height, c = image.Channels;
        var rows = new double[image.Pixels.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                {
                    double s = 0;
                    for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * image.Pixels[(y * w + Math.Clamp(x + k, 0, w - 1)) * c + ch];
                    rows[(y * w + x) * c + ch] = s;
                }
        var output = new byte[image.Pixels.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                {
                    double s = 0;
                    for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * rows[(Math.Clamp(y + k, 0, h - 1) * w + x) * c + ch];
                    output[(y * w + x) * c + ch] = (byte)Math.Clamp(Math.Round(s), 0, 255);
                }
        return new Image(w, h, image.Format, output);
    }
}
