using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.Training;

/// <summary>Runs a one-logit network over samples in evaluation mode: logits, P(male) = σ(logit), and mean BCE loss.</summary>
internal static class NetworkRunner
{
    public static float[] Logits(Layer network, SampleSource source, BatchBuilder builder, int batchSize, CancellationToken cancellation = default)
    {
        network.SetTraining(false);
        var logits = new float[source.Count];
        var order = Enumerable.Range(0, source.Count).ToArray();
        var targets = new float[batchSize];
        Tensor? input = null;
        for (int start = 0; start < source.Count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, source.Count - start);
            if (input is null || input.Dim(0) != n) input = new Tensor(n, builder.Channels, builder.Size, builder.Size);
            builder.Fill(source, order.AsSpan(start, n), input, targets, augmentation: null, 0, 0);
            var output = network.Forward(input);
            output.Data.AsSpan(0, n).CopyTo(logits.AsSpan(start, n));
        }
        return logits;
    }

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Mean binary cross-entropy and accuracy of logits against a source's labels.</summary>
    public static (double Loss, double Accuracy) Score(ReadOnlySpan<float> logits, SampleSource source)
    {
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float x = logits[i];
            int y = source.Label(i);
            loss += Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            if ((x > 0 ? 1 : 0) == y) correct++;
        }
        return logits.Length == 0 ? (double.NaN, double.NaN) : (loss / logits.Length, (double)correct / logits.Length);
    }
}
