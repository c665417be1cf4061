using GenderML.Imaging;

namespace GenderML.Evaluation;

/// <summary>
/// The framing stress test: the image scaled down by a factor F and centred on a canvas of its original size,
/// the canvas filled from the image's own border, blurred — a looser crop of the same face, with no new content.
/// </summary>
internal static class Reframing
{
    /// <summary>
    /// Returns <paramref name="image"/> shrunk to ⌊F·W⌋×⌊F·H⌋ and centred on a W×H canvas whose pixels are a heavy blur
    /// of the image (its 4×4 area average, enlarged bilinearly), so the surround carries the border's colours.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not in (0, 1].</exception>
    public static Image Reframe(Image image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(factor > 0 && factor <= 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "the reframe factor must be in (0, 1]");
        if (factor == 1) return image;
        int w = image.Width, h = image.Height;
        int sw = Math.Max(1, (int)(w * factor)), sh = Math.Max(1, (int)(h * factor));
        var blurred = image.Resize(Math.Min(4, w), Math.Min(4, h)).Resize(w, h);
        var canvas = new Image(w, h, image.Format, (byte[])blurred.Pixels.Clone());
        var small = image.Resize(sw, sh);
        int x0 = (w - sw) / 2, y0 = (h - sh) / 2, c = image.Channels;
        for (int y = 0; y < sh; y++)
            small.Pixels.AsSpan(y * sw * c, sw * c).CopyTo(canvas.Pixels.AsSpan(((y0 + y) * w + x0) * c, sw * c));
        return canvas;
    }
}
