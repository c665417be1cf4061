using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;
using GenderML.Training;

namespace GenderML.Transfer;

/// <summary>
/// The fine-tuning epochs: seeded shuffles, each sample as itself or (with <see cref="FineTuneOptions.FlipTrain"/>) its
/// mirror at random, mean binary cross-entropy on the logit (Core's <see cref="BinaryTrainingStep"/>), AdamW per tensor
/// with a step size of its RMS times <see cref="FineTuneOptions.LearningRate"/> (stage) or
/// <see cref="FineTuneOptions.HeadLearningRate"/> (head), cosine-annealed over the planned steps. After each epoch the
/// validation log-loss (scored as predictions are) decides early stopping; the best epoch's weights are kept, epoch 0
/// being the frozen-head start. The epochs run through the <see cref="EpochLoop"/>.
/// </summary>
internal sealed class FineTuneLoop(FineTuneNetwork net, FineTuneOptions o, int seed)
{
    public sealed record Outcome(int Epochs, int BestEpoch, double BestLoss);

    /// <summary>Trains on <paramref name="tr"/>, validating on <paramref name="va"/> (when it has images); with <paramref name="checkpoints"/>, saves (and resumes from) a checkpoint.</summary>
    public Outcome Train(FineTuneTrainer.Part tr, FineTuneTrainer.Part va, IProgress<TrainingProgress>? progress, CancellationToken cancellation,
        EpochLoop.CheckpointPlan? checkpoints = null, Action<string>? notes = null)
    {
        // One AdamW per tensor, its step size relative to the tensor's RMS: the pretrained filters are ~1e-3 and dlib's
        // scales ~5, so one absolute rate either wrecks the filters or leaves the scales alone.
        var optimizers = net.Stage.Parameters().Select(p => (Rate: o.LearningRate * Rms(p), Parameter: p))
            .Concat(net.Head.Parameters().Select(p => (Rate: o.HeadLearningRate * Rms(p), Parameter: p)))
            .Select(q => (q.Rate, Optimizer: new AdamW([q.Parameter], new AdamOptions(q.Rate, WeightDecay: o.WeightDecay)))).ToArray();
        double scale = 1;
        Optimizer[] all = [.. optimizers.Select(q => (Optimizer)q.Optimizer)];
        var data = new PrefixBatches(tr, o, seed);
        int totalSteps = Math.Max(1, data.Batches * o.Epochs);
        var run = new EpochLoop
        {
            Network = net.Network,
            Step = new BinaryTrainingStep(net.Network, all)
            {
                BeforeUpdate = () =>
                {
                    foreach (var (rate, optimizer) in optimizers) optimizer.LearningRate = rate * scale;
                },
            },
            Optimizers = all,
            Data = data,
            Epochs = o.Epochs,
            Patience = o.Patience,
            Validate = va.Y.Length > 0 ? _ => Score(net.Probabilities(va.Plain, va.Mirrored), va.Y) : null,
            StartIsCandidate = true,
            KeepLastWithoutValidation = true,
            BeforeStep = step => scale = 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)),
            LearningRate = ("FineTuneOptions.LearningRate", o.LearningRate),
            Checkpoints = checkpoints,
            Notes = notes,
        }.Run(progress, cancellation);
        return new Outcome(run.EpochsRun, run.BestEpoch, run.BestLoss);
    }

    /// <summary>
    /// Batches of prefixes in an order shuffled each epoch by one seeded generator, which then draws, sample by sample
    /// in that order, whether to use its mirror (<see cref="FineTuneOptions.FlipTrain"/>).
    /// </summary>
    private sealed class PrefixBatches(FineTuneTrainer.Part tr, FineTuneOptions o, int seed) : IEpochBatches
    {
        private readonly Random _random = new(seed);
        private readonly int[] _order = [.. Enumerable.Range(0, tr.Y.Length)];
        private readonly bool[] _flip = new bool[tr.Y.Length];
        private readonly List<Half[]> _rows = new(o.BatchSize);
        private readonly int[] _indices = [.. Enumerable.Range(0, o.BatchSize)];

        public int Batches => (tr.Y.Length + o.BatchSize - 1) / o.BatchSize;

        public int MaxBatchSize => o.BatchSize;

        public void BeginEpoch(int epoch)
        {
            _random.Shuffle(_order);
            for (int k = 0; k < _flip.Length; k++) _flip[k] = o.FlipTrain && tr.Mirrored is not null && _random.Next(2) == 1;
        }

        public Tensor Fill(int epoch, int batch, float[] targets, out int count)
        {
            int start = batch * o.BatchSize;
            count = Math.Min(o.BatchSize, tr.Y.Length - start);
            _rows.Clear();
            for (int k = 0; k < count; k++)
            {
                int i = _order[start + k];
                _rows.Add(_flip[start + k] ? tr.Mirrored![i] : tr.Plain[i]);
                targets[k] = tr.Y[i];
            }
            return FineTuneNetwork.Batch(_rows, _indices.AsSpan(0, count));
        }
    }

    private static double Rms(Parameter p) => Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(p.Value.Data) / Math.Max(1, p.Value.Length));

    private static (double Loss, double Accuracy) Score(float[] p, int[] y)
    {
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double q = Math.Clamp(p[i], 1e-12, 1 - 1e-12);
            sum -= y[i] == 1 ? Math.Log(q) : Math.Log(1 - q);
            if ((p[i] >= 0.5f) == (y[i] == 1)) correct++;
        }
        return (sum / Math.Max(1, y.Length), (double)correct / Math.Max(1, y.Length));
    }
}
