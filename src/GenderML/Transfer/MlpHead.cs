using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;

namespace GenderML.Transfer;

/// <summary>
/// The optional MLP head on standardised embeddings: Dense(d→64) → ReLU → Dense(64→1), P(male) = σ(logit), trained with
/// Adam (lr 1e-3, no weight decay) on the mean binary cross-entropy (Core's <see cref="BinaryTrainingStep"/>) for 40
/// epochs of 128-sample batches in a seeded order; the epoch with the best validation log-loss is kept (the last one without validation).
/// </summary>
internal sealed class MlpHead
{
    public const int Hidden = 64;

    private MlpHead(Sequential network, int features)
    {
        Network = network;
        Features = features;
        Network.SetTraining(false);
    }

    public Sequential Network { get; }

    public int Features { get; }

    public static Sequential Build(int d, int seed) => new(new Dense(d, Hidden, new Random(seed)), new ReLU(), new Dense(Hidden, 1, new Random(seed + 1)));

    /// <summary>Wraps a network whose state was loaded.</summary>
    public static MlpHead FromNetwork(Sequential network, int d) => new(network, d);

    public double Probability(ReadOnlySpan<float> z)
    {
        var x = new Tensor([1, Features], z.ToArray());
        float logit = Network.Forward(x).Data[0];
        return 1 / (1 + Math.Exp(-logit));
    }

    public static MlpHead Fit(float[] x, int[] y, int d, float[] xv, int[] yv, int seed, int threads, CancellationToken cancellation)
    {
        int n = y.Length;
        var network = Build(d, seed);
        network.SetCompute(new ComputeOptions { Threads = Math.Max(1, threads) });
        const int Batch = 128, Epochs = 40;
        var step = new BinaryTrainingStep(network, new Adam(network.Parameters(), new AdamOptions(LearningRate: 1e-3)));
        var targets = new float[Batch];
        var random = new Random(seed);
        int[] order = [.. Enumerable.Range(0, n)];
        double bestLoss = double.PositiveInfinity;
        Dictionary<string, float[]>? best = null;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            random.Shuffle(order);
            network.SetTraining(true);
            for (int start = 0; start < n; start += Batch)
            {
                int m = Math.Min(Batch, n - start);
                var input = new Tensor(m, d);
                for (int k = 0; k < m; k++) x.AsSpan(order[start + k] * d, d).CopyTo(input.Data.AsSpan(k * d, d));
                for (int k = 0; k < m; k++) targets[k] = y[order[start + k]];
                step.Run(input, targets.AsSpan(0, m));
            }
            network.SetTraining(false);
            if (yv.Length == 0) continue;
            double loss = LogLoss(network, xv, yv, d);
            if (loss < bestLoss)
            {
                bestLoss = loss;
                best = network.State().ToDictionary(p => p.Name, p => p.Value.Data.ToArray());
            }
        }
        if (best is not null)
            foreach (var p in network.State()) best[p.Name].CopyTo(p.Value.Data, 0);
        return new MlpHead(network, d);
    }

    private static double LogLoss(Sequential network, float[] x, int[] y, int d)
    {
        var logits = network.Forward(new Tensor([y.Length, d], (float[])x.Clone())).Data;
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double p = Math.Clamp(1 / (1 + Math.Exp(-logits[i])), 1e-12, 1 - 1e-12);
            sum -= y[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / y.Length;
    }
}
