using System.Globalization;
using GenderML.Evaluation;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>Draws face boxes with a label and confidence in a built-in 5×7 bitmap font (scaled ×2), on an RGB copy of the photo.</summary>
internal static class FaceAnnotation
{
    private static readonly (byte R, byte G, byte B) MaleColour = (40, 120, 255), FemaleColour = (255, 60, 160);

    public static Image Draw(Image photo, IReadOnlyList<FacePrediction> faces)
    {
        var rgb = photo.ConvertTo(PixelFormat.Rgb24);
        foreach (var f in faces)
        {
            var colour = f.Prediction.Label == GenderLabels.Male ? MaleColour : FemaleColour;
            int x0 = (int)Math.Round(f.Face.X), y0 = (int)Math.Round(f.Face.Y), x1 = (int)Math.Round(f.Face.X + f.Face.Width), y1 = (int)Math.Round(f.Face.Y + f.Face.Height);
            int thick = Math.Max(1, Math.Min(rgb.Width, rgb.Height) / 200);
            for (int t = 0; t < thick; t++)
            {
                Line(rgb, x0, y0 + t, x1, y0 + t, colour);
                Line(rgb, x0, y1 - t, x1, y1 - t, colour);
                Line(rgb, x0 + t, y0, x0 + t, y1, colour);
                Line(rgb, x1 - t, y0, x1 - t, y1, colour);
            }
            string text = string.Create(CultureInfo.InvariantCulture, $"{f.Prediction.Label} {f.Prediction.Confidence:0.00}");
            const int Scale = 2;
            int tw = text.Length * BitmapFont.Advance * Scale + 2, th = (BitmapFont.Height + 1) * Scale + 2;
            int tx = x0, ty = y0 - th >= 0 ? y0 - th : y0;
            ImagePainting.Fill(rgb, tx, ty, tw, th, colour);
            BitmapFont.Draw(rgb, text, tx + 1, ty + 1, Scale, (255, 255, 255));
        }
        return rgb;
    }

    /// <summary>A horizontal or vertical line from (x0, y0) to (x1, y1), ends included.</summary>
    private static void Line(Image img, int x0, int y0, int x1, int y1, (byte, byte, byte) c) =>
        ImagePainting.Fill(img, Math.Min(x0, x1), Math.Min(y0, y1), Math.Abs(x1 - x0) + 1, Math.Abs(y1 - y0) + 1, c);
}
