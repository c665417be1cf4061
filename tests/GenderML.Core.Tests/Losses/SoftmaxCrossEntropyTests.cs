using GenderML.Core.Losses;
using GenderML.Core.Tests.Optimizers;

namespace GenderML.Core.Tests.Losses;

public sealed class SoftmaxCrossEntropyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Matches_pytorch(int caseIndex)
    {
        var fixture = OptimFixtures.Root.GetProperty("cross_entropy")[caseIndex];
        float[]? weights = fixture.GetProperty("class_weights").ValueKind == System.Text.Json.JsonValueKind.Null
            ? null : OptimFixtures.Floats(fixture.GetProperty("class_weights"));
        float[] logits = OptimFixtures.Floats(fixture.GetProperty("logits"));
        int[] labels = OptimFixtures.Ints(fixture.GetProperty("labels"));
        int classes = fixture.GetProperty("classes").GetInt32();
        var gradient = new float[logits.Length];

        float loss = new SoftmaxCrossEntropy(weights).Compute(logits, labels, classes, gradient);

        OptimFixtures.AssertClose(fixture.GetProperty("loss").GetDouble(), loss, "loss");
        OptimFixtures.AssertClose(OptimFixtures.Doubles(fixture.GetProperty("gradient")), gradient, "gradient");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradient_matches_finite_differences(bool weighted)
    {
        var random = new Random(7);
        const int n = 6, classes = 4;
        float[] logits = Enumerable.Range(0, n * classes).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        int[] labels = [0, 3, 1, 2, 3, 1];
        var loss = new SoftmaxCrossEntropy(weighted ? [0.5f, 2f, 1f, 0.25f] : null);
        var gradient = new float[logits.Length];
        var scratch = new float[logits.Length];

        loss.Compute(logits, labels, classes, gradient);

        GradientCheck.AssertMatches(logits, x => loss.Compute(x, labels, classes, scratch), gradient);
    }

    [Fact]
    public void Two_class_softmax_equals_binary_cross_entropy_on_the_logit_difference()
    {
        float[] logits = [0.3f, 1.1f, -2f, 0.5f, 4f, -4f];
        int[] labels = [1, 0, 0];
        float softmax = new SoftmaxCrossEntropy().Compute(logits, labels, 2, new float[6]);
        float binary = new BinaryCrossEntropyWithLogits().Compute([1.1f - 0.3f, 0.5f + 2f, -4f - 4f], [1f, 0f, 0f], new float[3]);
        Assert.Equal(binary, softmax, 1e-6f);
    }

    [Fact]
    public void Rejects_bad_arguments_naming_them()
    {
        var loss = new SoftmaxCrossEntropy();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute([1f, 2f, 3f, 4f], [0, 2], 2, new float[4]));
        Assert.Contains("label 2 of sample 1", error.Message);
        Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f, 3f], [0, 1], 2, new float[3]));
        Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy([1f, 1f]).Compute([1f, 2f, 3f], [0], 3, new float[3]));
        Assert.Throws<ArgumentException>(() => loss.Compute(new Tensor(2, 3, 1), [0, 1], new Tensor(2, 3, 1)));
    }

    [Fact]
    public void Compute_allocates_nothing()
    {
        var loss = new SoftmaxCrossEntropy([1f, 2f, 3f]);
        float[] logits = new float[30], gradient = new float[30];
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
        loss.Compute(logits, labels, 3, gradient);
        long before = GC.GetAllocatedBytesForCurrentThread();
        loss.Compute(logits, labels, 3, gradient);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
