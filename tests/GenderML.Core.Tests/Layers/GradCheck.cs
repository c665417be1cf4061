using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary>
/// The finite-difference gradient check every layer's test uses: with the loss <c>L = Σ w ⊙ layer(x)</c>
/// for fixed random weights w, compares backward's ∂L/∂x and ∂L/∂θ with central differences
/// <c>(L(v + ε) − L(v − ε)) / 2ε</c> (L summed in float64) at a random sample of coordinates.
/// </summary>
internal static class GradCheck
{
    public static void Check(Layer layer, Tensor input, int seed = 1, float eps = 1e-2f, double rtol = 2e-2, double atol = 2e-3,
        int samples = 40, int maxFailures = 0, bool checkInput = true)
    {
        var random = new Random(seed);
        var output = layer.Forward(input);
        var weights = new Tensor(output.ShapeArray());
        for (int i = 0; i < weights.Length; i++) weights.Data[i] = (float)(random.NextDouble() * 2 - 1);
        layer.ZeroGradients();
        var gradInput = layer.Backward(weights).Clone();
        var parameters = layer.Parameters();
        var analytic = parameters.Select(p => p.Gradient.Clone()).ToList();

        var failures = new List<string>();
        if (checkInput)
            Compare("input", input.Data, gradInput.Data, layer, input, weights, eps, rtol, atol, samples, random, failures);
        for (int k = 0; k < parameters.Count; k++)
            Compare(parameters[k].Name, parameters[k].Value.Data, analytic[k].Data, layer, input, weights, eps, rtol, atol, samples, random, failures);
        Assert.True(failures.Count <= maxFailures, $"{failures.Count} gradient mismatches:\n" + string.Join("\n", failures.Take(20)));
    }

    public static double Loss(Layer layer, Tensor input, Tensor weights)
    {
        var output = layer.Forward(input);
        double sum = 0;
        for (int i = 0; i < output.Length; i++) sum += (double)weights.Data[i] * output.Data[i];
        return sum;
    }

    private static void Compare(string what, float[] values, float[] analytic, Layer layer, Tensor input, Tensor weights,
        float eps, double rtol, double atol, int samples, Random random, List<string> failures)
    {
        int count = Math.Min(samples, values.Length);
        var indices = values.Length <= samples ? Enumerable.Range(0, values.Length) : Enumerable.Range(0, count).Select(_ => random.Next(values.Length));
        foreach (int i in indices)
        {
            float saved = values[i];
            values[i] = saved + eps;
            double plus = Loss(layer, input, weights);
            values[i] = saved - eps;
            double minus = Loss(layer, input, weights);
            values[i] = saved;
            double numeric = (plus - minus) / (2.0 * eps);
            double a = analytic[i];
            if (Math.Abs(a - numeric) > atol + rtol * Math.Max(Math.Abs(a), Math.Abs(numeric)))
                failures.Add($"{what}[{i}]: backward {a:G6}, finite difference {numeric:G6}");
        }
    }

    /// <summary>Values uniform in ±[0.1, 1]: far from ReLU's kink at 0 compared with ε.</summary>
    public static Tensor AwayFromZero(int seed, params int[] shape)
    {
        var t = new Tensor(shape);
        var random = new Random(seed);
        for (int i = 0; i < t.Length; i++)
        {
            float v = 0.1f + 0.9f * random.NextSingle();
            t.Data[i] = random.Next(2) == 0 ? v : -v;
        }
        return t;
    }

    /// <summary>Distinct values 0.05 apart in random order (no ties for max pooling, even after a ±ε nudge).</summary>
    public static Tensor Distinct(int seed, params int[] shape)
    {
        var t = new Tensor(shape);
        var order = Enumerable.Range(0, t.Length).ToArray();
        new Random(seed).Shuffle(order);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (order[i] - t.Length / 2) * 0.05f;
        return t;
    }

    public static Tensor Uniform(int seed, params int[] shape)
    {
        var t = new Tensor(shape);
        var random = new Random(seed);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(random.NextDouble() * 2 - 1);
        return t;
    }
}
