using GenderML.Imaging;

namespace GenderML.Evaluation;

/// <summary>
/// A 5×7 pixel font (upper-case letters, digits, a little punctuation) for the axis labels of PNG charts, the captions of
/// error sheets and the labels of annotated photos; lower case is drawn as upper case.
/// </summary>
internal static class BitmapFont
{
    public const int Width = 5, Height = 7, Advance = 6;

    private static readonly Dictionary<char, byte[]> Glyphs = new()
    {
        ['A'] = [14, 17, 17, 31, 17, 17, 17], ['B'] = [30, 17, 17, 30, 17, 17, 30], ['C'] = [14, 17, 16, 16, 16, 17, 14],
        ['D'] = [30, 17, 17, 17, 17, 17, 30], ['E'] = [31, 16, 16, 30, 16, 16, 31], ['F'] = [31, 16, 16, 30, 16, 16, 16],
        ['G'] = [14, 17, 16, 23, 17, 17, 15], ['H'] = [17, 17, 17, 31, 17, 17, 17], ['I'] = [14, 4, 4, 4, 4, 4, 14],
        ['J'] = [7, 2, 2, 2, 2, 18, 12], ['K'] = [17, 18, 20, 24, 20, 18, 17], ['L'] = [16, 16, 16, 16, 16, 16, 31],
        ['M'] = [17, 27, 21, 21, 17, 17, 17], ['N'] = [17, 17, 25, 21, 19, 17, 17], ['O'] = [14, 17, 17, 17, 17, 17, 14],
        ['P'] = [30, 17, 17, 30, 16, 16, 16], ['Q'] = [14, 17, 17, 17, 21, 18, 13], ['R'] = [30, 17, 17, 30, 20, 18, 17],
        ['S'] = [15, 16, 16, 14, 1, 1, 30], ['T'] = [31, 4, 4, 4, 4, 4, 4], ['U'] = [17, 17, 17, 17, 17, 17, 14],
        ['V'] = [17, 17, 17, 17, 17, 10, 4], ['W'] = [17, 17, 17, 21, 21, 21, 10], ['X'] = [17, 17, 10, 4, 10, 17, 17],
        ['Y'] = [17, 17, 17, 10, 4, 4, 4], ['Z'] = [31, 1, 2, 4, 8, 16, 31],
        ['0'] = [14, 17, 19, 21, 25, 17, 14], ['1'] = [4, 12, 4, 4, 4, 4, 14], ['2'] = [14, 17, 1, 2, 4, 8, 31],
        ['3'] = [31, 2, 4, 2, 1, 17, 14], ['4'] = [2, 6, 10, 18, 31, 2, 2], ['5'] = [31, 16, 30, 1, 1, 17, 14],
        ['6'] = [6, 8, 16, 30, 17, 17, 14], ['7'] = [31, 1, 2, 4, 8, 8, 8], ['8'] = [14, 17, 17, 14, 17, 17, 14],
        ['9'] = [14, 17, 17, 15, 1, 2, 12],
        ['.'] = [0, 0, 0, 0, 0, 12, 12], ['-'] = [0, 0, 0, 31, 0, 0, 0], ['='] = [0, 0, 31, 0, 31, 0, 0],
        ['('] = [2, 4, 8, 8, 8, 4, 2], [')'] = [8, 4, 2, 2, 2, 4, 8], [','] = [0, 0, 0, 0, 12, 4, 8],
        [' '] = [0, 0, 0, 0, 0, 0, 0], ['?'] = [14, 17, 1, 2, 4, 0, 4],
    };

    /// <summary>The rows of <paramref name="c"/> (bit 4 = leftmost column); unknown characters give <c>?</c>.</summary>
    public static byte[] Glyph(char c) => Glyphs.TryGetValue(char.ToUpperInvariant(c), out var g) ? g : Glyphs['?'];

    /// <summary>Width in pixels of <paramref name="text"/>.</summary>
    public static int Measure(string text) => text.Length == 0 ? 0 : text.Length * Advance - 1;

    /// <summary>
    /// Draws <paramref name="text"/> into the RGB image <paramref name="rgb"/> with its top-left corner at (x, y), each font
    /// pixel a <paramref name="scale"/>² block; pixels outside the image are left out.
    /// </summary>
    public static void Draw(Image rgb, string text, int x, int y, int scale, (byte R, byte G, byte B) colour)
    {
        for (int k = 0; k < text.Length; k++)
        {
            byte[] rows = Glyph(text[k]);
            for (int row = 0; row < Height; row++)
                for (int col = 0; col < Width; col++)
                {
                    if ((rows[row] >> (Width - 1 - col) & 1) == 0) continue;
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++)
                            ImagePainting.SetPixel(rgb, x + (k * Advance + col) * scale + dx, y + row * scale + dy, colour);
                }
        }
    }
}
