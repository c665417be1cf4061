using GenderML.Imaging;

namespace GenderML.Evaluation;

/// <summary>A white RGB canvas with lines, rectangles and <see cref="BitmapFont"/> text: the PNG counterpart of the SVG charts.</summary>
internal sealed class Raster
{
    private readonly byte[] _pixels;

    public Raster(int width, int height)
    {
        (Width, Height) = (width, height);
        _pixels = new byte[width * height * 3];
        Array.Fill(_pixels, (byte)255);
    }

    public int Width { get; }

    public int Height { get; }

    public Image ToImage() => new(Width, Height, PixelFormat.Rgb24, (byte[])_pixels.Clone());

    public void Set(int x, int y, uint rgb)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int o = (y * Width + x) * 3;
        (_pixels[o], _pixels[o + 1], _pixels[o + 2]) = ((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
    }

    public uint Get(int x, int y)
    {
        int o = (y * Width + x) * 3;
        return (uint)(_pixels[o] << 16 | _pixels[o + 1] << 8 | _pixels[o + 2]);
    }

    /// <summary>A line from (x0, y0) to (x1, y1) (Bresenham), <paramref name="thickness"/> pixels wide; dashed lines draw 4 pixels of every 8.</summary>
    public void Line(double x0, double y0, double x1, double y1, uint rgb, int thickness = 1, bool dashed = false)
    {
        int ax = (int)Math.Round(x0), ay = (int)Math.Round(y0), bx = (int)Math.Round(x1), by = (int)Math.Round(y1);
        int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, err = dx + dy;
        for (int step = 0; ; step++)
        {
            if (!dashed || step % 8 < 4)
                for (int t = 0; t < thickness; t++) { Set(ax + (dx > -dy ? 0 : t), ay + (dx > -dy ? t : 0), rgb); }
            if (ax == bx && ay == by) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; ax += sx; }
            if (e2 <= dx) { err += dx; ay += sy; }
        }
    }

    /// <summary>The outline of a rectangle.</summary>
    public void Rectangle(int x, int y, int width, int height, uint rgb)
    {
        Line(x, y, x + width, y, rgb);
        Line(x, y + height, x + width, y + height, rgb);
        Line(x, y, x, y + height, rgb);
        Line(x + width, y, x + width, y + height, rgb);
    }

    /// <summary>Text whose top-left corner is (x, y); <paramref name="vertical"/> turns it 90° anticlockwise, (x, y) then being its bottom-left.</summary>
    public void Text(int x, int y, string text, uint rgb = 0, bool vertical = false)
    {
        for (int i = 0; i < text.Length; i++)
        {
            byte[] rows = BitmapFont.Glyph(text[i]);
            for (int gy = 0; gy < BitmapFont.Height; gy++)
                for (int gx = 0; gx < BitmapFont.Width; gx++)
                {
                    if ((rows[gy] >> (BitmapFont.Width - 1 - gx) & 1) == 0) continue;
                    int along = i * BitmapFont.Advance + gx;
                    if (vertical) Set(x + gy, y - along, rgb);
                    else Set(x + along, y + gy, rgb);
                }
        }
    }

    /// <summary>Copies <paramref name="other"/> with its top-left corner at (x, y).</summary>
    public void Draw(Raster other, int x, int y)
    {
        for (int j = 0; j < other.Height; j++)
            for (int i = 0; i < other.Width; i++) Set(x + i, y + j, other.Get(i, j));
    }
}
