using System.Diagnostics;
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
/// being the frozen-head start.
/// </summary>
internal sealed class FineTuneLoop(FineTuneNetwork net, FineTuneOptions o, int seed)
{
    public sealed record Outcome(int Epochs, int BestEpoch, double BestLoss);

    public Outcome Train(FineTuneTrainer.Part tr, FineTuneTrainer.Part va, IProgress<TrainingProgress>? progress, Stopwatch clock,
        CancellationToken cancellation)
    {
        // One AdamW per tensor, its step size relative to the tensor's RMS: the pretrained filters are ~1e-3 and dlib's
        // scales ~5, so one absolute rate either wrecks the filters or leaves the scales alone.
        var optimizers = net.Stage.Parameters().Select(p => (Rate: o.LearningRate * Rms(p), Parameter: p))
            .Concat(net.Head.Parameters().Select(p => (Rate: o.HeadLearningRate * Rms(p), Parameter: p)))
            .Select(q => (q.Rate, Optimizer: new AdamW([q.Parameter], new AdamOptions(q.Rate, WeightDecay: o.WeightDecay)))).ToArray();
        double scale = 1;
        var trainingStep = new BinaryTrainingStep(net.Network, [.. optimizers.Select(q => (Optimizer)q.Optimizer)])
        {
            BeforeUpdate = () =>
            {
                foreach (var (rate, optimizer) in optimizers) optimizer.LearningRate = rate * scale;
            },
        };
        var targets = new float[o.BatchSize];
        var random = new Random(seed);
        int n = tr.Y.Length, batches = (n + o.BatchSize - 1) / o.BatchSize, totalSteps = Math.Max(1, batches * o.Epochs), step = 0;
        int[] order = [.. Enumerable.Range(0, n)];
        bool hasValidation = va.Y.Length > 0;
        double bestLoss = hasValidation ? ValidationLoss(va) : double.PositiveInfinity;
        int bestEpoch = 0, epochsRun = 0;
        var best = Snapshot();
        var rows = new List<Half[]>(o.BatchSize);
        var labels = new int[o.BatchSize];
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            random.Shuffle(order);
            double lossSum = 0;
            int correct = 0, seen = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                int start = b * o.BatchSize, m = Math.Min(o.BatchSize, n - start);
                rows.Clear();
                for (int k = 0; k < m; k++)
                {
                    int i = order[start + k];
                    bool flip = o.FlipTrain && tr.Mirrored is not null && random.Next(2) == 1;
                    rows.Add(flip ? tr.Mirrored![i] : tr.Plain[i]);
                    labels[k] = tr.Y[i];
                }
                int[] idx = [.. Enumerable.Range(0, m)];
                for (int k = 0; k < m; k++) targets[k] = labels[k];
                scale = 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                trainingStep.Run(FineTuneNetwork.Batch(rows, idx), targets.AsSpan(0, m));
                var z = trainingStep.Logits!;
                for (int k = 0; k < m; k++)
                {
                    double p = 1 / (1 + Math.Exp(-z.Data[k]));
                    lossSum += labels[k] == 1 ? -Math.Log(Math.Max(p, 1e-12)) : -Math.Log(Math.Max(1 - p, 1e-12));
                    if ((p >= 0.5) == (labels[k] == 1)) correct++;
                }
                seen += m;
                step++;
                if (progress is not null && (b % 20 == 19 || b == batches - 1))
                    progress.Report(new TrainingProgress(epoch, o.Epochs, b + 1, batches, lossSum / seen, (double)correct / seen, null, null,
                        clock.Elapsed, Remaining(clock, step, totalSteps)));
            }
            epochsRun = epoch;
            double? vLoss = null, vAcc = null;
            if (hasValidation)
            {
                var p = net.Probabilities(va.Plain, va.Mirrored);
                vLoss = LogLoss(p, va.Y);
                vAcc = Enumerable.Range(0, p.Length).Count(i => (p[i] >= 0.5f) == (va.Y[i] == 1)) / (double)p.Length;
                if (vLoss < bestLoss) (bestLoss, bestEpoch, best) = (vLoss.Value, epoch, Snapshot());
            }
            else (bestEpoch, best) = (epoch, Snapshot());
            progress?.Report(new TrainingProgress(epoch, o.Epochs, batches, batches, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen),
                vLoss, vAcc, clock.Elapsed, Remaining(clock, step, totalSteps)));
            if (hasValidation && o.Patience > 0 && epoch - bestEpoch >= o.Patience) break;
        }
        foreach (var p in net.Network.State()) best[p.Name].CopyTo(p.Value.Data, 0);
        return new Outcome(epochsRun, bestEpoch, bestLoss);
    }

    private static double Rms(Parameter p) => Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(p.Value.Data) / Math.Max(1, p.Value.Length));

    private Dictionary<string, float[]> Snapshot() => net.Network.State().ToDictionary(p => p.Name, p => p.Value.Data.ToArray(), StringComparer.Ordinal);

    private double ValidationLoss(FineTuneTrainer.Part va) => LogLoss(net.Probabilities(va.Plain, va.Mirrored), va.Y);

    private static double LogLoss(float[] p, int[] y)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double q = Math.Clamp(p[i], 1e-12, 1 - 1e-12);
            sum -= y[i] == 1 ? Math.Log(q) : Math.Log(1 - q);
        }
        return sum / Math.Max(1, y.Length);
    }

    private static TimeSpan Remaining(Stopwatch clock, int step, int total) =>
        step == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / step * (total - step));
}
