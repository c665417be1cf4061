using GenderML.Core.Losses;
using GenderML.Core.Optimizers;

namespace GenderML.Core.Tests.Optimizers;

/// <summary>Loss, optimizer, schedule and clipping together fit a logistic regression on separable synthetic data.</summary>
public sealed class TrainingSmokeTests
{
    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Logistic_regression_learns_a_separable_task(string kind)
    {
        const int n = 256, features = 5;
        var random = new Random(11);
        float[] trueWeights = [1.5f, -2f, 0.5f, 0f, 3f];
        var x = new float[n * features];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double score = 0.25;
            for (int f = 0; f < features; f++)
            {
                x[i * features + f] = (float)(random.NextDouble() * 2 - 1);
                score += trueWeights[f] * x[i * features + f];
            }
            y[i] = score > 0 ? 1 : 0;
        }
        var weight = new Parameter("fc.weight", new Tensor(1, features));
        var bias = new Parameter("fc.bias", new Tensor(1));
        Parameter[] parameters = [weight, bias];
        Optimizer optimizer = kind switch
        {
            "sgd" => new Sgd(parameters, new SgdOptions(0.5, 0.9, Nesterov: true)),
            "adam" => new Adam(parameters, new AdamOptions(0.1)),
            _ => new AdamW(parameters, new AdamOptions(0.1, WeightDecay: 1e-4)),
        };
        var schedule = new OneCycleSchedule(optimizer.LearningRate, totalSteps: 300);
        var loss = new BinaryCrossEntropyWithLogits();
        var logits = new float[n];
        var dLogits = new float[n];

        float last = float.NaN;
        for (int step = 0; step < 300; step++)
        {
            for (int i = 0; i < n; i++)
            {
                float s = bias.Value.Data[0];
                for (int f = 0; f < features; f++) s += weight.Value.Data[f] * x[i * features + f];
                logits[i] = s;
            }
            last = loss.Compute(logits, y, dLogits);
            optimizer.ZeroGradients();
            for (int i = 0; i < n; i++)
            {
                bias.Gradient.Data[0] += dLogits[i];
                for (int f = 0; f < features; f++) weight.Gradient.Data[f] += dLogits[i] * x[i * features + f];
            }
            GradientClipping.ClipByGlobalNorm(parameters, 5f);
            optimizer.LearningRate = schedule.LearningRateAt(step);
            optimizer.Step();
        }

        int correct = Enumerable.Range(0, n).Count(i => (logits[i] > 0) == (y[i] == 1));
        Assert.True(correct >= 0.98 * n, $"{kind}: {correct}/{n} correct, loss {last}");
        Assert.True(last < 0.15f, $"{kind}: final loss {last}");
    }
}
