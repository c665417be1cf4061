using System.Xml.Linq;
using GenderML.Evaluation;

namespace GenderML.Tests.Evaluation;

public sealed class TrainingCurvesTests
{
    private static TrainingCurves Sample(bool validation)
    {
        var curves = new TrainingCurves();
        for (int e = 1; e <= 5; e++)
            curves.Add(new EpochMetrics(e, 1.0 / e, 0.6 + 0.05 * e, validation ? 1.2 / e : null, validation ? 0.55 + 0.05 * e : null));
        return curves;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Json_round_trips(bool validation)
    {
        var curves = Sample(validation);
        var back = TrainingCurves.FromJson(curves.ToJson());
        Assert.Equal(curves.Epochs, back.Epochs);
        Assert.StartsWith("{\"epochs\":[{\"epoch\":1,\"trainLoss\":1,", curves.ToJson());
    }

    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 2)]
    public void Svg_is_well_formed_with_one_line_per_series(bool validation, int lines)
    {
        var svg = XDocument.Parse(Sample(validation).ToSvg());
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Equal(lines, svg.Descendants().Count(e => e.Name.LocalName == "polyline"));
        foreach (var p in svg.Descendants().Where(e => e.Name.LocalName == "polyline"))
            Assert.DoesNotContain("NaN", p.Attribute("points")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_single_epoch_curves_still_draw()
    {
        Assert.NotNull(XDocument.Parse(new TrainingCurves().ToSvg()).Root);
        var one = new TrainingCurves();
        one.Add(new EpochMetrics(1, 0.5, 0.5, double.NaN, 0.5));
        Assert.NotNull(XDocument.Parse(one.ToSvg()).Root);
    }
}
