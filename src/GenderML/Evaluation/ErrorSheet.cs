using System.Globalization;
using GenderML.Imaging;

namespace GenderML.Evaluation;

/// <summary>
/// A contact sheet of misclassified images: each face in a tile, captioned with its rank, its label (F/M) and P(male),
/// the most confident errors first, as <see cref="EvaluationMarkdown"/> lists them. Looking at it is the quickest way
/// to tell a model's mistakes from mistakes in the labels.
/// </summary>
internal static class ErrorSheet
{
    public const int TileWidth = 96, TileHeight = 120, CaptionHeight = 11, Columns = 8;

    private static readonly (byte, byte, byte) Background = (32, 32, 32), Caption = (255, 230, 0), Unreadable = (90, 90, 90);

    /// <summary>
    /// The sheet of <paramref name="errors"/> (in the order given), <see cref="Columns"/> tiles a row. A file that cannot be
    /// read any more leaves a grey tile with its caption, so ranks still match the report.
    /// </summary>
    public static Image Render(IReadOnlyList<SamplePrediction> errors)
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        int rows = (errors.Count + Columns - 1) / Columns;
        var sheet = new Image(Columns * TileWidth, rows * TileHeight, PixelFormat.Rgb24);
        ImagePainting.Fill(sheet, 0, 0, sheet.Width, sheet.Height, Background);
        for (int k = 0; k < errors.Count; k++)
        {
            int x0 = k % Columns * TileWidth, y0 = k / Columns * TileHeight;
            var e = errors[k];
            int boxW = TileWidth - 2, boxH = TileHeight - CaptionHeight - 2;
            try
            {
                var face = Image.Load(e.Path).ConvertTo(PixelFormat.Rgb24);
                double scale = Math.Min((double)boxW / face.Width, (double)boxH / face.Height);
                int w = Math.Max(1, (int)Math.Round(face.Width * scale)), h = Math.Max(1, (int)Math.Round(face.Height * scale));
                Paste(sheet, face.Resize(w, h), x0 + 1 + (boxW - w) / 2, y0 + 1 + (boxH - h) / 2);
            }
            catch (Exception ex) when (ex is ImageLoadException or IOException or UnauthorizedAccessException)
            {
                ImagePainting.Fill(sheet, x0 + 1, y0 + 1, boxW, boxH, Unreadable);
            }
            string caption = string.Create(CultureInfo.InvariantCulture, $"{k + 1} {(e.Label == 1 ? 'M' : 'F')} P={e.PMale:0.00}");
            BitmapFont.Draw(sheet, caption, x0 + 2, y0 + TileHeight - CaptionHeight + 2, 1, Caption);
        }
        return sheet;
    }

    private static void Paste(Image dst, Image src, int x, int y)
    {
        for (int j = 0; j < src.Height; j++)
            src.Pixels.AsSpan(j * src.Width * 3, src.Width * 3).CopyTo(dst.Pixels.AsSpan(((y + j) * dst.Width + x) * 3));
    }
}
