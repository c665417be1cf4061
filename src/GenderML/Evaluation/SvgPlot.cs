using System.Globalization;
using System.Net;
using System.Text;

namespace GenderML.Evaluation;

/// <summary>
/// A minimal line chart as standalone SVG text: a framed plot area with axis ticks, labelled axes,
/// a legend, and polylines in data coordinates mapped linearly onto the area.
/// </summary>
internal sealed partial class SvgPlot
{
    private const int Width = 480, Height = 360, Left = 60, Right = 20, Top = 36, Bottom = 50;
    private readonly List<(string Name, string Color, IReadOnlyList<(double X, double Y)> Points, bool Dashed)> _series = [];

    internal SvgPlot(string title, string xLabel, string yLabel, double xMin, double xMax, double yMin, double yMax)
    {
        if (!(xMax > xMin)) xMax = xMin + 1;
        if (!(yMax > yMin)) yMax = yMin + 1;
        (Title, XLabel, YLabel, XMin, XMax, YMin, YMax) = (title, xLabel, yLabel, xMin, xMax, yMin, yMax);
    }

    internal string Title { get; }
    internal string XLabel { get; }
    internal string YLabel { get; }
    internal double XMin { get; }
    internal double XMax { get; }
    internal double YMin { get; }
    internal double YMax { get; }

    /// <summary>Adds a polyline; points with a non-finite coordinate are left out.</summary>
    internal SvgPlot Add(string name, string color, IReadOnlyList<(double X, double Y)> points, bool dashed = false)
    {
        _series.Add((name, color, points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray(), dashed));
        return this;
    }

    /// <summary>The chart as an SVG document.</summary>
    internal string Render()
    {
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        sb.Append(Inv($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        sb.Append(Inv($"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Escape(Title)}</text>\n"));
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        sb.Append(Inv($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"black\"/>\n"));
        for (int t = 0; t <= 5; t++)
        {
            double xv = XMin + (XMax - XMin) * t / 5, yv = YMin + (YMax - YMin) * t / 5;
            double px = MapX(xv), py = MapY(yv);
            sb.Append(Inv($"<line x1=\"{F(px)}\" y1=\"{Top + plotH}\" x2=\"{F(px)}\" y2=\"{Top + plotH + 5}\" stroke=\"black\"/>"));
            sb.Append(Inv($"<text x=\"{F(px)}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{Tick(xv)}</text>\n"));
            sb.Append(Inv($"<line x1=\"{Left - 5}\" y1=\"{F(py)}\" x2=\"{Left}\" y2=\"{F(py)}\" stroke=\"black\"/>"));
            sb.Append(Inv($"<text x=\"{Left - 8}\" y=\"{F(py + 4)}\" text-anchor=\"end\">{Tick(yv)}</text>\n"));
        }
        sb.Append(Inv($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n"));
        sb.Append(Inv($"<text x=\"14\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Top + plotH / 2})\">{Escape(YLabel)}</text>\n"));
        for (int s = 0; s < _series.Count; s++)
        {
            var (name, color, points, dashed) = _series[s];
            string dash = dashed ? " stroke-dasharray=\"4 4\"" : "";
            sb.Append(Inv($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\""));
            double lastX = double.NaN, lastY = double.NaN;
            for (int i = 0; i < points.Count; i++)
            {
                double px = MapX(points[i].X), py = MapY(points[i].Y);
                // Points within half a pixel of the last one drawn add nothing visible (an ROC curve has one per score).
                if (i > 0 && i < points.Count - 1 && Math.Abs(px - lastX) < 0.5 && Math.Abs(py - lastY) < 0.5) continue;
                sb.Append(i == 0 ? "" : " ").Append(F(px)).Append(',').Append(F(py));
                (lastX, lastY) = (px, py);
            }
            sb.Append("\"/>\n");
            int ly = Top + 16 + 16 * s;
            sb.Append(Inv($"<line x1=\"{Left + 10}\" y1=\"{ly}\" x2=\"{Left + 30}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>"));
            sb.Append(Inv($"<text x=\"{Left + 36}\" y=\"{ly + 4}\">{Escape(name)}</text>\n"));
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private double MapX(double x) => Left + (x - XMin) / (XMax - XMin) * (Width - Left - Right);

    private double MapY(double y) => Top + (1 - (y - YMin) / (YMax - YMin)) * (Height - Top - Bottom);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Tick(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    internal static string Escape(string text) => WebUtility.HtmlEncode(text);
}
