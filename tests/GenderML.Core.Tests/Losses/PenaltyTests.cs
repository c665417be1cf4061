using GenderML.Core.Losses;

namespace GenderML.Core.Tests.Losses;

public sealed class PenaltyTests
{
    private static Parameter[] MakeParameters() =>
    [
        new("a.weight", new Tensor([2, 3], [0.5f, -1.5f, 2f, -0.25f, 0.75f, 3f])),
        new("a.bias", new Tensor([2], [-0.4f, 0.9f])),
    ];

    [Fact]
    public void L1_value_and_gradient()
    {
        var parameters = MakeParameters();
        parameters[1].Gradient.Data[0] = 1f;
        float value = new L1Penalty(0.1f).Apply(parameters);
        Assert.Equal(0.1f * (0.5f + 1.5f + 2f + 0.25f + 0.75f + 3f + 0.4f + 0.9f), value, 1e-6f);
        Assert.Equal([0.1f, -0.1f, 0.1f, -0.1f, 0.1f, 0.1f], parameters[0].Gradient.Data);
        Assert.Equal([1f - 0.1f, 0.1f], parameters[1].Gradient.Data);
    }

    [Fact]
    public void L1_of_zero_has_zero_gradient()
    {
        var p = new Parameter("w", new Tensor(3));
        Assert.Equal(0f, new L1Penalty(1f).Apply([p]));
        Assert.Equal([0f, 0f, 0f], p.Gradient.Data);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gradients_match_finite_differences(bool l1)
    {
        var parameters = MakeParameters();
        Func<IReadOnlyList<Parameter>, float> apply = l1 ? new L1Penalty(0.3f).Apply : new L2Penalty(0.3f).Apply;
        apply(parameters);
        foreach (Parameter p in parameters)
        {
            var probe = new Parameter("probe", p.Value.Clone());
            GradientCheck.AssertMatches(probe.Value.Data, _ => apply([probe]), p.Gradient.Data);
        }
    }

    [Fact]
    public void L2_value()
    {
        float value = new L2Penalty(0.5f).Apply(MakeParameters());
        Assert.Equal(0.5f * (0.25f + 2.25f + 4f + 0.0625f + 0.5625f + 9f + 0.16f + 0.81f), value, 1e-5f);
    }

    [Fact]
    public void Negative_strength_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1Penalty(-1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L2Penalty(float.NaN));
    }
}
