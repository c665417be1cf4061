using System.Text.Json;
using GenderML.Core.Optimizers;

namespace GenderML.Core.Tests.Optimizers;

/// <summary>Each schedule's learning-rate sequence against torch.optim.lr_scheduler.</summary>
public sealed class ScheduleTests
{
    public static TheoryData<string> Cases => new(OptimFixtures.Root.GetProperty("schedules").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rates_match_pytorch(string name)
    {
        var fixture = OptimFixtures.Case("schedules", name);
        ILearningRateSchedule schedule = Create(name, fixture.GetProperty("lr").GetDouble(), fixture.GetProperty("settings"));
        double[] expected = OptimFixtures.Doubles(fixture.GetProperty("rates"));
        var actual = new double[expected.Length];
        for (int t = 0; t < expected.Length; t++) actual[t] = schedule.LearningRateAt(t);
        for (int t = 0; t < expected.Length; t++)
            OptimFixtures.AssertClose(expected[t], actual[t], $"{name} lr at step {t}", relative: 1e-9, absolute: 1e-12);
    }

    private static ILearningRateSchedule Create(string name, double lr, JsonElement s)
    {
        double D(string key) => s.GetProperty(key).GetDouble();
        int I(string key) => s.GetProperty(key).GetInt32();
        return name switch
        {
            "step" => new StepSchedule(lr, I("step_size"), D("gamma")),
            "exponential" => new ExponentialSchedule(lr, D("gamma")),
            "cosine" => new CosineSchedule(lr, I("total"), D("eta_min")),
            "cosine_warmup" => new CosineSchedule(lr, I("total"), D("eta_min"), I("warmup"), D("start_factor")),
            _ => new OneCycleSchedule(D("max_lr"), I("total"), D("pct_start"), D("div_factor"), D("final_div_factor"), s.GetProperty("three_phase").GetBoolean()),
        };
    }

    [Fact]
    public void Cosine_stays_at_the_floor_after_the_last_step()
    {
        var schedule = new CosineSchedule(0.1, 10, 0.001);
        Assert.Equal(0.001, schedule.LearningRateAt(10), 12);
        Assert.Equal(0.001, schedule.LearningRateAt(25), 12);
    }

    [Fact]
    public void One_cycle_defaults_are_pytorchs()
    {
        var schedule = new OneCycleSchedule(1.0, 100);
        Assert.Equal(1.0 / 25, schedule.LearningRateAt(0), 12);
        Assert.Equal(1.0, schedule.LearningRateAt(29), 12);
        Assert.Equal(1.0 / 25 / 1e4, schedule.LearningRateAt(99), 12);
    }

    [Fact]
    public void One_cycle_with_an_empty_warm_up_phase_stays_finite()
    {
        var schedule = new OneCycleSchedule(0.1, 4, pctStart: 0.25);
        Assert.Equal(0.1, schedule.LearningRateAt(0), 12);
        Assert.All(Enumerable.Range(0, 4), t => Assert.True(double.IsFinite(schedule.LearningRateAt(t))));
        Assert.Equal(0.1 / 25 / 1e4, schedule.LearningRateAt(3), 12);
    }

    [Fact]
    public void Bad_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepSchedule(0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialSchedule(-0.1, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(0.1, 5, warmupSteps: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycleSchedule(0.1, 10, pctStart: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepSchedule(0.1, 3).LearningRateAt(-1));
    }
}
