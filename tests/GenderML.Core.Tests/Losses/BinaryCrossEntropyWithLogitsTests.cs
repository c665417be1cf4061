using GenderML.Core.Losses;
using GenderML.Core.Tests.Optimizers;

namespace GenderML.Core.Tests.Losses;

public sealed class BinaryCrossEntropyWithLogitsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Matches_pytorch(int caseIndex)
    {
        var fixture = OptimFixtures.Root.GetProperty("bce")[caseIndex];
        float[]? weights = fixture.GetProperty("class_weights").ValueKind == System.Text.Json.JsonValueKind.Null
            ? null : OptimFixtures.Floats(fixture.GetProperty("class_weights"));
        float[] logits = OptimFixtures.Floats(fixture.GetProperty("logits"));
        float[] targets = OptimFixtures.Floats(fixture.GetProperty("targets"));
        var gradient = new float[logits.Length];

        float loss = new BinaryCrossEntropyWithLogits(weights).Compute(logits, targets, gradient);

        OptimFixtures.AssertClose(fixture.GetProperty("loss").GetDouble(), loss, "loss");
        OptimFixtures.AssertClose(OptimFixtures.Doubles(fixture.GetProperty("gradient")), gradient, "gradient");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradient_matches_finite_differences(bool weighted)
    {
        var random = new Random(42);
        float[] logits = Enumerable.Range(0, 13).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        float[] targets = Enumerable.Range(0, 13).Select(i => i % 5 == 0 ? 0.25f : i % 2).ToArray();
        var loss = new BinaryCrossEntropyWithLogits(weighted ? [0.3f, 1.7f] : null);
        var gradient = new float[logits.Length];
        var scratch = new float[logits.Length];

        loss.Compute(logits, targets, gradient);

        GradientCheck.AssertMatches(logits, x => loss.Compute(x, targets, scratch), gradient);
    }

    [Fact]
    public void Stays_finite_for_huge_logits()
    {
        float[] logits = [1e30f, -1e30f, 88f, -88f, 1000f];
        float[] targets = [0, 1, 1, 0, 1];
        var gradient = new float[5];
        float loss = new BinaryCrossEntropyWithLogits().Compute(logits, targets, gradient);
        Assert.True(float.IsFinite(loss));
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Equal((1e30 + 1e30) / 5, loss, 1e23);
    }

    [Fact]
    public void Tensor_form_checks_shapes_and_matches_the_span_form()
    {
        var logits = new Tensor([3, 1], [0.5f, -1f, 2f]);
        var gradient = new Tensor(3, 1);
        var loss = new BinaryCrossEntropyWithLogits();
        float viaTensor = loss.Compute(logits, [1f, 0f, 1f], gradient);
        var spanGradient = new float[3];
        Assert.Equal(loss.Compute(logits.Data, [1f, 0f, 1f], spanGradient), viaTensor);
        Assert.Equal(spanGradient, gradient.Data);
        Assert.Throws<ArgumentException>(() => loss.Compute(logits, [1f, 0f, 1f], new Tensor(3)));
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        var loss = new BinaryCrossEntropyWithLogits();
        Assert.Throws<ArgumentException>(() => loss.Compute([], [], []));
        Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f], [1f], new float[2]));
        Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f], [1f, 0f], new float[3]));
        Assert.Throws<ArgumentException>(() => new BinaryCrossEntropyWithLogits([1f]));
        Assert.Throws<ArgumentException>(() => new BinaryCrossEntropyWithLogits([1f, -1f]));
        Assert.Throws<ArgumentException>(() => new BinaryCrossEntropyWithLogits([float.NaN, 1f]));
    }

    [Fact]
    public void All_zero_weights_give_zero_loss_and_gradient()
    {
        var gradient = new float[] { 9, 9 };
        float loss = new BinaryCrossEntropyWithLogits([0f, 1f]).Compute([1f, 2f], [0f, 0f], gradient);
        Assert.Equal(0f, loss);
        Assert.Equal([0f, 0f], gradient);
    }

    [Fact]
    public void Compute_allocates_nothing()
    {
        var loss = new BinaryCrossEntropyWithLogits([1f, 2f]);
        float[] logits = new float[64], targets = new float[64], gradient = new float[64];
        loss.Compute(logits, targets, gradient);
        long before = GC.GetAllocatedBytesForCurrentThread();
        loss.Compute(logits, targets, gradient);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
