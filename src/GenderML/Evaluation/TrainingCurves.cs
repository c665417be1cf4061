using System.Text.Json;

namespace GenderML.Evaluation;

/// <summary>
/// The training history of a model, one <see cref="EpochMetrics"/> per epoch: kept in the model file as
/// <c>curves.json</c> and drawn as SVG.
/// </summary>
public sealed class TrainingCurves
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly List<EpochMetrics> _epochs = [];

    /// <summary>The epochs recorded so far, in order.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>Appends one epoch's figures.</summary>
    public void Add(EpochMetrics epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        _epochs.Add(epoch);
    }

    /// <summary>The curves as JSON: <c>{"epochs": [{"epoch", "trainLoss", "trainAccuracy", "validationLoss", "validationAccuracy"}…]}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(new CurvesDto(_epochs), Json);

    /// <summary>Reads curves written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not such JSON.</exception>
    public static TrainingCurves FromJson(string json)
    {
        var dto = JsonSerializer.Deserialize<CurvesDto>(json, Json) ?? throw new JsonException("curves JSON is null");
        var curves = new TrainingCurves();
        foreach (var e in dto.Epochs ?? throw new JsonException("curves JSON has no \"epochs\" array")) curves.Add(e);
        return curves;
    }

    /// <summary>
    /// An SVG document with two charts side by side: loss per epoch and accuracy per epoch, training
    /// (solid) and validation (dashed).
    /// </summary>
    public string ToSvg()
    {
        var loss = Chart("loss", e => e.TrainLoss, e => e.ValidationLoss, lowerBoundZero: true);
        var acc = Chart("accuracy", e => e.TrainAccuracy, e => e.ValidationAccuracy, lowerBoundZero: false);
        string Inner(string svg) => svg[(svg.IndexOf('>') + 1)..svg.LastIndexOf("</svg>", StringComparison.Ordinal)];
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"360\" viewBox=\"0 0 960 360\" font-family=\"sans-serif\" font-size=\"12\">\n"
            + "<g>" + Inner(loss) + "</g>\n<g transform=\"translate(480 0)\">" + Inner(acc) + "</g>\n</svg>\n";
    }

    /// <summary>The charts of <see cref="ToSvg"/> as a 960×360 PNG file (axis labels in a small bitmap font).</summary>
    public byte[] ToPng()
    {
        var canvas = new Raster(960, 360);
        canvas.Draw(Plot("loss", e => e.TrainLoss, e => e.ValidationLoss, lowerBoundZero: true).RenderRaster(), 0, 0);
        canvas.Draw(Plot("accuracy", e => e.TrainAccuracy, e => e.ValidationAccuracy, lowerBoundZero: false).RenderRaster(), 480, 0);
        return canvas.ToImage().EncodePng();
    }

    /// <summary>Writes the charts to <paramref name="path"/>: PNG when it ends in <c>.png</c>, else SVG.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) Data.OutputFile.WriteAllBytes(path, ToPng());
        else Data.OutputFile.WriteAllText(path, ToSvg());
    }

    private string Chart(string what, Func<EpochMetrics, double> train, Func<EpochMetrics, double?> validation, bool lowerBoundZero) =>
        Plot(what, train, validation, lowerBoundZero).Render();

    private SvgPlot Plot(string what, Func<EpochMetrics, double> train, Func<EpochMetrics, double?> validation, bool lowerBoundZero)
    {
        var tr = _epochs.Select(e => ((double)e.Epoch, train(e))).ToArray();
        var va = _epochs.Where(e => validation(e).HasValue).Select(e => ((double)e.Epoch, validation(e)!.Value)).ToArray();
        var ys = tr.Concat(va).Select(p => p.Item2).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double yMin = lowerBoundZero ? Math.Min(0, ys.Min()) : ys.Min(), yMax = ys.Max();
        double xMax = Math.Max(1, _epochs.Count == 0 ? 1 : _epochs.Max(e => e.Epoch));
        var plot = new SvgPlot(what + " per epoch", "epoch", what, _epochs.Count == 0 ? 0 : Math.Min(1, _epochs.Min(e => e.Epoch)), xMax, yMin, yMax)
            .Add("train", "#1f77b4", tr);
        if (va.Length > 0) plot.Add("validation", "#ff7f0e", va, dashed: true);
        return plot;
    }

    private sealed record CurvesDto(IReadOnlyList<EpochMetrics>? Epochs);
}
