using System.Globalization;

namespace GenderML.Evaluation;

internal sealed partial class SvgPlot
{
    /// <summary>The same chart as <see cref="Render"/>, drawn into pixels (axis labels in <see cref="BitmapFont"/>).</summary>
    internal Raster RenderRaster()
    {
        var r = new Raster(Width, Height);
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        r.Text((Width - BitmapFont.Measure(Title)) / 2, 12, Title);
        r.Rectangle(Left, Top, plotW, plotH, 0);
        for (int t = 0; t <= 5; t++)
        {
            double xv = XMin + (XMax - XMin) * t / 5, yv = YMin + (YMax - YMin) * t / 5;
            int px = (int)Math.Round(MapX(xv)), py = (int)Math.Round(MapY(yv));
            r.Line(px, Top + plotH, px, Top + plotH + 5, 0);
            string xt = Tick(xv), yt = Tick(yv);
            r.Text(px - BitmapFont.Measure(xt) / 2, Top + plotH + 9, xt);
            r.Line(Left - 5, py, Left, py, 0);
            r.Text(Left - 8 - BitmapFont.Measure(yt), py - 3, yt);
        }
        r.Text(Left + (plotW - BitmapFont.Measure(XLabel)) / 2, Height - 16, XLabel);
        r.Text(8, Top + (plotH + BitmapFont.Measure(YLabel)) / 2, YLabel, vertical: true);
        for (int s = 0; s < _series.Count; s++)
        {
            var (name, color, points, dashed) = _series[s];
            uint rgb = uint.Parse(color.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            for (int i = 1; i < points.Count; i++)
                r.Line(MapX(points[i - 1].X), MapY(points[i - 1].Y), MapX(points[i].X), MapY(points[i].Y), rgb, 2, dashed);
            int ly = Top + 16 + 16 * s;
            r.Line(Left + 10, ly, Left + 30, ly, rgb, 2, dashed);
            r.Text(Left + 36, ly - 3, name);
        }
        return r;
    }
}
