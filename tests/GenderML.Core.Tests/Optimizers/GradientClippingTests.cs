using GenderML.Core.Optimizers;

namespace GenderML.Core.Tests.Optimizers;

public sealed class GradientClippingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Matches_pytorch_clip_grad_norm(int caseIndex)
    {
        var fixture = OptimFixtures.Root.GetProperty("clipping")[caseIndex];
        var parameters = fixture.GetProperty("gradients").EnumerateObject().Select(g =>
        {
            float[] grad = OptimFixtures.Floats(g.Value);
            var p = new Parameter(g.Name, new Tensor(grad.Length));
            grad.CopyTo(p.Gradient.Data, 0);
            return p;
        }).ToArray();

        float norm = GradientClipping.ClipByGlobalNorm(parameters, (float)fixture.GetProperty("max_norm").GetDouble());

        OptimFixtures.AssertClose(fixture.GetProperty("norm").GetDouble(), norm, "norm");
        foreach (Parameter p in parameters)
            OptimFixtures.AssertClose(OptimFixtures.Doubles(fixture.GetProperty("clipped").GetProperty(p.Name)), p.Gradient.Data, p.Name);
    }

    [Fact]
    public void Frozen_parameters_are_neither_counted_nor_scaled()
    {
        var trainable = new Parameter("a", new Tensor(2));
        var frozen = new Parameter("b", new Tensor(1)) { Trainable = false };
        trainable.Gradient.Data[0] = 3; trainable.Gradient.Data[1] = 4;
        frozen.Gradient.Data[0] = 100;

        float norm = GradientClipping.ClipByGlobalNorm([trainable, frozen], 1f);

        Assert.Equal(5f, norm);
        Assert.Equal(0.6f, trainable.Gradient.Data[0], 1e-6f);
        Assert.Equal(0.8f, trainable.Gradient.Data[1], 1e-6f);
        Assert.Equal(100f, frozen.Gradient.Data[0]);
    }

    [Theory]
    [MemberData(nameof(OptimizerKernelTests.Lengths), MemberType = typeof(OptimizerKernelTests))]
    public void Sum_of_squares_matches_a_plain_loop(int n)
    {
        var random = new Random(n);
        float[] x = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        double expected = x.Sum(v => (double)v * v);
        Assert.Equal(expected, GradientClipping.SumOfSquares(x), 1e-12 * Math.Max(1, expected));
    }

    [Fact]
    public void Non_positive_max_norm_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm([], 0f));
}
