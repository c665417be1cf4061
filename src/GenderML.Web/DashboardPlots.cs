using GenderML.Evaluation;
using ScottPlot;

namespace GenderML.Web;

/// <summary>The dashboard's plots, drawn with ScottPlot as PNG: ROC, calibration, training curves, label balance.</summary>
internal static class DashboardPlots
{
    private const int Width = 560, Height = 400;

    /// <summary>The ROC curve with its AUC and the chance diagonal.</summary>
    public static byte[] Roc(EvaluationReport report)
    {
        var plot = new Plot();
        var curve = plot.Add.Scatter(report.Roc.FalsePositiveRate, report.Roc.TruePositiveRate);
        curve.MarkerSize = 0;
        curve.LineWidth = 2;
        curve.LegendText = $"ROC (AUC {report.RocAuc.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)})";
        Diagonal(plot, "chance");
        plot.Title("ROC curve (positive class: male)");
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        return Finish(plot, 0, 1);
    }

    /// <summary>Reliability diagram: fraction male against mean P(male) per bin, beside the perfect diagonal.</summary>
    public static byte[] Calibration(EvaluationReport report)
    {
        var plot = new Plot();
        var bins = report.Calibration.Where(b => b.Count > 0).ToArray();
        var points = plot.Add.Scatter(bins.Select(b => b.MeanScore).ToArray(), bins.Select(b => b.FractionPositive).ToArray());
        points.LineWidth = 2;
        points.MarkerSize = 7;
        points.LegendText = $"model (ECE {report.ExpectedCalibrationError.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)})";
        Diagonal(plot, "perfectly calibrated");
        plot.Title("Calibration");
        plot.XLabel("mean P(male) in bin");
        plot.YLabel("fraction male");
        return Finish(plot, 0, 1);
    }

    /// <summary>Loss and accuracy per epoch, train and validation.</summary>
    public static byte[] Curves(TrainingCurves curves)
    {
        var plot = new Plot();
        var epochs = curves.Epochs;
        double[] x = [.. epochs.Select(e => (double)e.Epoch)];
        Line(plot, x, [.. epochs.Select(e => e.TrainAccuracy)], "train accuracy");
        if (epochs.All(e => e.ValidationAccuracy is not null)) Line(plot, x, [.. epochs.Select(e => e.ValidationAccuracy!.Value)], "validation accuracy");
        Line(plot, x, [.. epochs.Select(e => e.TrainLoss)], "train loss");
        if (epochs.All(e => e.ValidationLoss is not null)) Line(plot, x, [.. epochs.Select(e => e.ValidationLoss!.Value)], "validation loss");
        plot.Title("Training curves");
        plot.XLabel("epoch");
        plot.ShowLegend(Alignment.MiddleRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Images per class in each split, as grouped bars.</summary>
    public static byte[] Balance(DataStudy study)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (int s = 0; s < study.Splits.Count; s++)
            for (int c = 0; c < study.Classes.Count; c++)
                bars.Add(new Bar
                {
                    Position = s * (study.Classes.Count + 1) + c,
                    Value = study.Splits[s].Counts[c],
                    FillColor = palette.GetColor(c),
                });
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(
            [.. study.Splits.Select((_, s) => s * (study.Classes.Count + 1) + (study.Classes.Count - 1) / 2.0)],
            [.. study.Splits.Select(s => s.Split)]);
        for (int c = 0; c < study.Classes.Count; c++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = study.Classes[c], FillColor = palette.GetColor(c) });
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(bottom: 0);
        plot.Title("Images per class and split");
        plot.YLabel("images");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void Line(Plot plot, double[] x, double[] y, string label)
    {
        var line = plot.Add.Scatter(x, y);
        line.LegendText = label;
        line.LineWidth = 2;
    }

    private static void Diagonal(Plot plot, string label)
    {
        var line = plot.Add.Line(0, 0, 1, 1);
        line.LinePattern = LinePattern.Dashed;
        line.LineColor = Colors.Gray;
        line.LegendText = label;
    }

    private static byte[] Finish(Plot plot, double min, double max)
    {
        plot.Axes.SetLimits(min, max, min, max);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
