using System.Diagnostics;
using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Losses;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;
using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>
/// The training loop of a one-logit network: shuffled, augmented mini-batches, binary cross-entropy (with class
/// weights), penalties, gradient clipping, an optimiser under a learning-rate schedule, validation after each
/// epoch, early stopping that restores the best epoch, and a checkpoint after every epoch.
/// </summary>
internal static class NetworkTrainer
{
    public sealed record Result(TrainingCurves Curves, int EpochsRun, int BestEpoch, double Seconds);

    public static Result Fit(Layer network, IReadOnlyList<Dropout> dropouts, SampleSource train, SampleSource? validation,
        BatchBuilder builder, TrainingOptions o, string fingerprint, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        if (train.Count == 0) throw new ArgumentException("no training images", nameof(train));
        network.SetCompute(new ComputeOptions { Threads = Math.Max(1, o.Threads) });
        var parameters = network.Parameters();
        var state = network.State();
        int batch = Math.Min(o.BatchSize, train.Count);
        int batches = train.Count / batch;
        int totalSteps = Math.Max(1, batches * o.Epochs);
        Optimizer optimizer = o.Optimizer switch
        {
            OptimizerKind.Sgd => new Sgd(parameters, new SgdOptions(o.LearningRate, 0.9, Nesterov: true, WeightDecay: o.WeightDecay)),
            OptimizerKind.Adam => new Adam(parameters, new AdamOptions(o.LearningRate, WeightDecay: o.WeightDecay)),
            _ => new AdamW(parameters, new AdamOptions(o.LearningRate, WeightDecay: o.WeightDecay)),
        };
        ILearningRateSchedule? schedule = o.Schedule switch
        {
            LearningRateSchedule.Step => new StepSchedule(o.LearningRate, Math.Max(1, totalSteps / 3)),
            LearningRateSchedule.Exponential => new ExponentialSchedule(o.LearningRate, Math.Pow(0.9, 1.0 / Math.Max(1, batches))),
            LearningRateSchedule.Cosine => new CosineSchedule(o.LearningRate, totalSteps, warmupSteps: Math.Min(totalSteps / 20, 500)),
            LearningRateSchedule.OneCycle => new OneCycleSchedule(o.LearningRate, totalSteps),
            _ => null,
        };
        int[] counts = train.CountByLabel();
        float[]? classWeights = o.BalanceClasses && counts[0] > 0 && counts[1] > 0
            ? [train.Count / (2f * counts[0]), train.Count / (2f * counts[1])] : null;
        var loss = new BinaryCrossEntropyWithLogits(classWeights);
        var l1 = o.L1 > 0 ? new L1Penalty((float)o.L1) : null;
        var l2 = o.L2 > 0 ? new L2Penalty((float)o.L2) : null;

        var curves = new TrainingCurves();
        int startEpoch = 0, bestEpoch = 0, stale = 0;
        double bestLoss = double.PositiveInfinity;
        Dictionary<string, Tensor> best = Snapshot(state);
        if (o.Resume && o.CheckpointPath is { } resumeFrom && File.Exists(resumeFrom))
        {
            var c = Checkpoint.Load(resumeFrom);
            if (c.Fingerprint != fingerprint)
                throw new InvalidDataException($"{resumeFrom}: the checkpoint belongs to other data or settings; delete it or train with Resume off");
            Restore(state, c.Weights, resumeFrom);
            optimizer.ImportState(c.Optimizer);
            best = c.Best;
            (startEpoch, bestEpoch, bestLoss, stale, curves) = (c.EpochsDone, c.BestEpoch, c.BestLoss, c.EpochsWithoutImprovement, c.Curves);
            o.Notes?.Invoke($"resuming from {resumeFrom}: {c.EpochsDone} of {o.Epochs} epochs done, continuing with epoch {c.EpochsDone + 1}");
        }
        else if (o.Resume)
        {
            o.Notes?.Invoke($"nothing to resume ({o.CheckpointPath ?? "no checkpoint path set"} does not exist): starting at epoch 1");
        }

        var input = new Tensor(batch, builder.Channels, builder.Size, builder.Size);
        var targets = new float[batch];
        int stepIndex = 0;
        var step = new BinaryTrainingStep(network, optimizer, loss)
        {
            BeforeUpdate = () =>
            {
                l1?.Apply(parameters);
                l2?.Apply(parameters);
                if (o.GradientClipNorm > 0) GradientClipping.ClipByGlobalNorm(parameters, (float)o.GradientClipNorm);
                if (schedule is not null) optimizer.LearningRate = schedule.LearningRateAt(stepIndex);
            },
        };
        var clock = Stopwatch.StartNew();
        int epochsRun = startEpoch, stepsDone = 0;
        for (int epoch = startEpoch; epoch < o.Epochs && !(o.EarlyStoppingPatience > 0 && stale >= o.EarlyStoppingPatience); epoch++)
        {
            network.SetTraining(true);
            // The masks' seeds depend on (seed, epoch, layer) alone; HashCode.Combine would differ from process to process.
            for (int d = 0; d < dropouts.Count; d++) dropouts[d].Reseed((int)new SampleRandom(o.Seed, epoch, d).Next());
            int[] order = Permutation(train.Count, o.Seed, epoch);
            double lossSum = 0;
            int correct = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                builder.Fill(train, order.AsSpan(b * batch, batch), input, targets, o.Augmentation, o.Seed, epoch);
                stepIndex = epoch * batches + b;
                double batchLoss = step.Run(input, targets);
                if (!double.IsFinite(batchLoss)) throw Diverged(o, epoch, b, batchLoss);
                lossSum += batchLoss * batch;
                var logits = step.Logits!;
                for (int i = 0; i < batch; i++) if ((logits.Data[i] > 0 ? 1f : 0f) == targets[i]) correct++;
                stepsDone++;
                if (progress is not null && (b % 10 == 9 || b == batches - 1))
                {
                    int seen = (b + 1) * batch;
                    progress.Report(new TrainingProgress(epoch + 1, o.Epochs, b + 1, batches, lossSum / seen, (double)correct / seen,
                        null, null, clock.Elapsed, Remaining(clock.Elapsed, stepsDone, (o.Epochs - epoch) * batches - b - 1)));
                }
            }
            double trainLoss = lossSum / (batches * batch), trainAccuracy = (double)correct / (batches * batch);
            double? validationLoss = null, validationAccuracy = null;
            if (validation is { Count: > 0 })
                (validationLoss, validationAccuracy) = NetworkRunner.Score(NetworkRunner.Logits(network, validation, builder, batch, cancellation), validation);
            curves.Add(new EpochMetrics(epoch + 1, trainLoss, trainAccuracy, validationLoss, validationAccuracy));
            double monitored = validationLoss ?? trainLoss;
            if (!double.IsFinite(monitored)) throw Diverged(o, epoch, batches, monitored);
            if (monitored < bestLoss)
            {
                (bestLoss, bestEpoch, stale) = (monitored, epoch + 1, 0);
                best = Snapshot(state);
            }
            else
            {
                stale++;
            }
            epochsRun = epoch + 1;
            progress?.Report(new TrainingProgress(epoch + 1, o.Epochs, batches, batches, trainLoss, trainAccuracy,
                validationLoss, validationAccuracy, clock.Elapsed, Remaining(clock.Elapsed, stepsDone, (o.Epochs - epoch - 1) * batches)));
            if (o.CheckpointPath is { } checkpointPath)
                new Checkpoint(epoch + 1, bestEpoch, bestLoss, stale, fingerprint, Snapshot(state), optimizer.ExportState(), best, curves).Save(checkpointPath);
        }
        Restore(state, best, "best epoch");
        network.SetTraining(false);
        return new Result(curves, epochsRun, bestEpoch, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The error of a run whose loss stopped being a finite number: it says where and suggests a lower learning rate.
    /// The run stops there, so the checkpoint of the last finished epoch is left as it was.
    /// </summary>
    private static InvalidDataException Diverged(TrainingOptions o, int epoch, int batch, double loss)
    {
        string kept = o.CheckpointPath is { } c && File.Exists(c) ? $"; the checkpoint of the last good epoch is kept in {c}" : "";
        return new InvalidDataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"training diverged: the loss became {loss} in epoch {epoch + 1}, batch {batch + 1}; lower the learning rate " +
            $"(TrainingOptions.LearningRate is {o.LearningRate:G4}, try {o.LearningRate / 10:G4} or less){kept}"));
    }

    /// <summary>A permutation of 0..n−1 that depends only on (seed, epoch): Fisher–Yates on a seeded generator.</summary>
    internal static int[] Permutation(int n, int seed, int epoch)
    {
        var order = Enumerable.Range(0, n).ToArray();
        var random = new SampleRandom(seed, epoch, -1);
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(random.Next() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static TimeSpan Remaining(TimeSpan elapsed, int stepsDone, int stepsLeft) =>
        stepsDone == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(elapsed.Ticks / stepsDone * Math.Max(0, stepsLeft));

    private static Dictionary<string, Tensor> Snapshot(IReadOnlyList<Parameter> state)
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var p in state) copy[p.Name] = p.Value.Clone();
        return copy;
    }

    private static void Restore(IReadOnlyList<Parameter> state, IReadOnlyDictionary<string, Tensor> values, string source)
    {
        foreach (var p in state)
        {
            if (!values.TryGetValue(p.Name, out var v) || !v.Shape.SequenceEqual(p.Value.Shape))
                throw new InvalidDataException($"{source}: tensor '{p.Name}' is missing or has another shape");
            v.Data.CopyTo(p.Value.Data, 0);
        }
    }
}
