using GenderML.Evaluation;
using GenderML.Training;

namespace GenderML.Tests.Calibration;

public sealed class CalibrationFitTests
{
    /// <summary>Labels drawn from σ(z) with z spread wide, and the model's P(male) = σ(k·z + b): over-confident for k &gt; 1.</summary>
    private static (int[] Labels, float[] P) Scores(int n, double k, double b, int seed)
    {
        var random = new Random(seed);
        var labels = new int[n];
        var p = new float[n];
        for (int i = 0; i < n; i++)
        {
            double z = random.NextDouble() * 8 - 4;
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0;
            p[i] = (float)(1 / (1 + Math.Exp(-(k * z + b))));
        }
        return (labels, p);
    }

    [Fact]
    public void Temperature_undoes_over_confidence_and_keeps_every_label()
    {
        var (labels, p) = Scores(20000, 3, 0, seed: 1);
        var c = CalibrationFit.Fit(CalibrationMethod.Temperature, labels, p, "validation");
        Assert.Equal(CalibrationMethod.Temperature, c.Method);
        Assert.Equal(3, c.Temperature, 1);   // the true temperature, within sampling error
        Assert.Equal(0, c.Offset);
        Assert.True(c.EceAfter < 0.015 && c.EceBefore > 0.05, $"ECE {c.EceBefore} → {c.EceAfter}");
        Assert.Equal((20000, "validation"), (c.Count, c.Source));
        for (int i = 0; i < p.Length; i++) Assert.Equal(p[i] > 0.5f, c.Apply(p[i]) > 0.5f);
    }

    [Fact]
    public void Platt_recovers_a_scale_and_an_offset()
    {
        var (labels, p) = Scores(20000, 2, 1, seed: 2);
        var c = CalibrationFit.Fit(CalibrationMethod.Platt, labels, p, "validation");
        // p = σ(2z + 1) ⇒ the true map is σ((logit p − 1) / 2): scale 0.5, offset −0.5.
        Assert.Equal(0.5, c.Scale, 1);
        Assert.Equal(-0.5, c.Offset, 1);
        Assert.True(c.EceAfter < c.EceBefore);
    }

    [Fact]
    public void SidedPower_recovers_a_map_of_its_own_on_each_side_and_keeps_every_label()
    {
        // The model's logit z is uniform in [−4, 4]; the truth is σ(2·z^0.7) above 0 and σ(−0.5·|z|^1.5) below.
        var random = new Random(4);
        const int N = 40000;
        var labels = new int[N];
        var p = new float[N];
        for (int i = 0; i < N; i++)
        {
            double z = random.NextDouble() * 8 - 4, truth = z >= 0 ? 2 * Math.Pow(z, 0.7) : -0.5 * Math.Pow(-z, 1.5);
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-truth)) ? 1 : 0;
            p[i] = (float)(1 / (1 + Math.Exp(-z)));
        }
        var c = CalibrationFit.Fit(CalibrationMethod.SidedPower, labels, p, "validation");
        Assert.Equal(CalibrationMethod.SidedPower, c.Method);
        Assert.InRange(c.Scale, 1.8, 2.2);
        Assert.InRange(c.Power!.Value, 0.6, 0.8);
        Assert.InRange(c.LowerScale!.Value, 0.4, 0.6);
        Assert.InRange(c.LowerPower!.Value, 1.35, 1.65);
        Assert.Equal(0, c.Offset);
        Assert.True(c.EceAfter < 0.015 && c.EceBefore > 0.05, $"ECE {c.EceBefore} → {c.EceAfter}");
        Assert.False(c.IsIdentity);
        for (int i = 0; i < p.Length; i++) Assert.Equal(p[i] > 0.5f, c.Apply(p[i]) > 0.5f);
        Assert.Contains("|z|^", c.Describe(), StringComparison.Ordinal);
        // A map of the other methods writes none of the sided fields (saved models stay as they were).
        var json = System.Text.Json.JsonSerializer.Serialize(CalibrationFit.Fit(CalibrationMethod.Temperature, labels, p, "validation"));
        Assert.DoesNotContain("Power", json, StringComparison.Ordinal);
        Assert.DoesNotContain("LowerScale", json, StringComparison.Ordinal);
    }

    [Fact]
    public void SidedPower_falls_back_to_the_temperature_on_a_side_of_one_class()
    {
        // Every score above 0 is a man: that side cannot be fitted on its own and takes the overall temperature.
        var (labels, p) = Scores(4000, 2, 0, seed: 5);
        for (int i = 0; i < p.Length; i++) if (p[i] >= 0.5f) labels[i] = 1;
        var c = CalibrationFit.Fit(CalibrationMethod.SidedPower, labels, p, "validation");
        var t = CalibrationFit.Fit(CalibrationMethod.Temperature, labels, p, "validation");
        Assert.Equal((t.Scale, 1.0), (c.Scale, c.Power!.Value));
    }

    [Fact]
    public void None_one_class_or_no_samples_give_the_identity()
    {
        var (labels, p) = Scores(100, 2, 0, seed: 3);
        Assert.Same(ProbabilityCalibration.Identity, CalibrationFit.Fit(CalibrationMethod.None, labels, p, "validation"));
        Assert.Same(ProbabilityCalibration.Identity, CalibrationFit.Fit(CalibrationMethod.Temperature, [1, 1], [0.2f, 0.9f], "validation"));
        Assert.Same(ProbabilityCalibration.Identity, CalibrationFit.Fit(CalibrationMethod.Temperature, [], [], "validation"));
    }

    [Fact]
    public void The_identity_returns_each_probability_bit_for_bit_and_a_map_keeps_NaN()
    {
        foreach (float p in new[] { 0f, 1e-30f, 0.3f, 0.5f, 0.9999999f, 1f })
            Assert.Equal(p, ProbabilityCalibration.Identity.Apply(p));
        var c = new ProbabilityCalibration { Method = CalibrationMethod.Temperature, Scale = 0.5 };
        Assert.True(float.IsNaN(c.Apply(float.NaN)));
        Assert.Equal(0.5f, c.Apply(0.5f));
        // σ(0.5·logit(0.9)) = 3 / (3 + 1) = 0.75.
        Assert.Equal(0.75f, c.Apply(0.9f), 5);
        Assert.InRange(c.Apply(1f), 0.99f, 1f);
    }

    [Fact]
    public void Abstain_band_parses_applies_and_rejects_bad_edges()
    {
        var band = AbstainBand.Parse("0.3-0.7");
        Assert.Equal(new AbstainBand(0.3, 0.7), band);
        Assert.True(band.Apply(GenderPrediction.FromProbability(0.65f)).Abstained);
        Assert.False(band.Apply(GenderPrediction.FromProbability(0.75f)).Abstained);
        Assert.False(GenderPrediction.FromProbability(0.5f).Abstained);
        Assert.Equal("0.35-0.65", AbstainBand.Default.ToString());
        Assert.Throws<FormatException>(() => AbstainBand.Parse("0.6-0.4"));
        Assert.Throws<FormatException>(() => AbstainBand.Parse("wide"));
    }

    [Fact]
    public void Wilson_interval_matches_the_closed_form()
    {
        // 8 of 10: centre (0.8 + 1.92/10) / 1.384, half-width 1.96·√(0.016 + 0.0096) / 1.384 (z = 1.96).
        var (low, high) = Evaluator.Wilson(8, 10);
        Assert.Equal(0.4902, low, 3);
        Assert.Equal(0.9433, high, 3);
    }
}
