using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;

namespace GenderML.Transfer;

/// <summary>
/// The optional MLP head on standardised embeddings: Dense(d→64) → ReLU → Dense(64→1), P(male) = σ(logit), trained with
/// Adam (lr 1e-3, no weight decay) on the mean binary cross-entropy (Core's <see cref="BinaryTrainingStep"/>) for 40
/// epochs of 128-sample batches in a seeded order, through the <see cref="Training.EpochLoop"/>; the epoch with the best validation
/// log-loss is kept (the last one without validation).
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

    /// <summary>Trains the head on the n × <paramref name="d"/> rows <paramref name="x"/>; <paramref name="run"/> tells the epochs run and the one kept.</summary>
    public static MlpHead Fit(float[] x, int[] y, int d, float[] xv, int[] yv, int seed, int threads, out Training.EpochLoop.Result run,
        CancellationToken cancellation, IProgress<Training.TrainingProgress>? progress = null)
    {
        var network = Build(d, seed);
        network.SetCompute(new ComputeOptions { Threads = Math.Max(1, threads) });
        const int Epochs = 40;
        var optimizer = new Adam(network.Parameters(), new AdamOptions(LearningRate: 1e-3));
        run = new Training.EpochLoop
        {
            Network = network,
            Step = new BinaryTrainingStep(network, optimizer),
            Optimizers = [optimizer],
            Data = new RowBatches(x, y, d, seed),
            Epochs = Epochs,
            Validate = yv.Length > 0 ? _ => Score(network, xv, yv, d) : null,
            KeepLastWithoutValidation = true,
            LearningRate = ("the MLP head's learning rate", 1e-3),
        }.Run(progress, cancellation);
        return new MlpHead(network, d);
    }

    /// <summary>Batches of 128 standardised rows in an order shuffled each epoch by one seeded generator.</summary>
    private sealed class RowBatches(float[] x, int[] y, int d, int seed) : Training.IEpochBatches
    {
        private const int Batch = 128;
        private readonly Random _random = new(seed);
        private readonly int[] _order = [.. Enumerable.Range(0, y.Length)];

        public int Batches => (y.Length + Batch - 1) / Batch;

        public int MaxBatchSize => Batch;

        public void BeginEpoch(int epoch) => _random.Shuffle(_order);

        public Tensor Fill(int epoch, int batch, float[] targets, out int count)
        {
            int start = batch * Batch;
            count = Math.Min(Batch, y.Length - start);
            var input = new Tensor(count, d);
            for (int k = 0; k < count; k++)
            {
                x.AsSpan(_order[start + k] * d, d).CopyTo(input.Data.AsSpan(k * d, d));
                targets[k] = y[_order[start + k]];
            }
            return input;
        }
    }

    private static (double Loss, double Accuracy) Score(Sequential network, float[] x, int[] y, int d)
    {
        network.SetTraining(false);
        var logits = network.Forward(new Tensor([y.Length, d], (float[])x.Clone())).Data;
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double p = Math.Clamp(1 / (1 + Math.Exp(-logits[i])), 1e-12, 1 - 1e-12);
            sum -= y[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
            if ((logits[i] > 0 ? 1 : 0) == y[i]) correct++;
        }
        return (sum / y.Length, (double)correct / y.Length);
    }
}
