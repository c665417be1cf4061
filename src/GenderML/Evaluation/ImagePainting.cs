using GenderML.Imaging;

namespace GenderML.Evaluation;

/// <summary>Pixels and filled rectangles on an RGB <see cref="Image"/>, clipped to it: what error sheets and annotated photos draw with.</summary>
internal static class ImagePainting
{
    /// <summary>Sets one pixel, ignoring coordinates outside the image.</summary>
    public static void SetPixel(Image rgb, int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)rgb.Width || (uint)y >= (uint)rgb.Height) return;
        int o = (y * rgb.Width + x) * 3;
        rgb.Pixels[o] = c.R;
        rgb.Pixels[o + 1] = c.G;
        rgb.Pixels[o + 2] = c.B;
    }

    /// <summary>Fills the <paramref name="w"/>×<paramref name="h"/> rectangle whose top-left corner is (x, y).</summary>
    public static void Fill(Image rgb, int x, int y, int w, int h, (byte R, byte G, byte B) c)
    {
        for (int j = 0; j < h; j++)
            for (int i = 0; i < w; i++) SetPixel(rgb, x + i, y + j, c);
    }
}
