using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;
using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>
/// The epoch loop every network the library trains runs through (pixel networks, the MLP head, the fine-tuned face-ResNet
/// stage): per epoch, the batches of <see cref="Data"/> through <see cref="Step"/> (cancellation checked before each),
/// progress every 10 batches and at the epoch's end, <see cref="Validate"/>, early stopping on the monitored loss with
/// the best epoch's weights restored at the end, and a checkpoint after every epoch when <see cref="Checkpoints"/> names a file.
/// </summary>
/// <remarks>
/// The monitored loss is the validation loss; without validation it is the training loss, or nothing
/// (<see cref="KeepLastWithoutValidation"/>: every epoch is the best so far). An epoch improves when its monitored loss is
/// below the best one; <see cref="Patience"/> epochs in a row without improvement stop the run.
/// </remarks>
internal sealed class EpochLoop
{
    /// <summary>The outcome of a run: per-epoch curves, epochs run, the best epoch (0: the starting weights) and its monitored loss.</summary>
    public sealed record Result(TrainingCurves Curves, int EpochsRun, int BestEpoch, double BestLoss, double Seconds);

    /// <summary>Where a run saves its state after each epoch (null: nowhere), what it must match to resume, and whether to resume.</summary>
    public sealed record CheckpointPlan(string? Path, string Fingerprint, bool Resume);

    public required Layer Network { get; init; }

    public required BinaryTrainingStep Step { get; init; }

    /// <summary>The optimizers <see cref="Step"/> steps, whose state a checkpoint saves.</summary>
    public required IReadOnlyList<Optimizer> Optimizers { get; init; }

    public required IEpochBatches Data { get; init; }

    public required int Epochs { get; init; }

    /// <summary>Epochs without improvement that stop the run (0: never).</summary>
    public int Patience { get; init; }

    /// <summary>The validation loss and accuracy of the network as it is now; null without validation data.</summary>
    public Func<CancellationToken, (double Loss, double Accuracy)>? Validate { get; init; }

    /// <summary>The starting weights are a candidate (epoch 0, validated before training): fine-tuning keeps them when no epoch beats them.</summary>
    public bool StartIsCandidate { get; init; }

    /// <summary>Without validation, keep the last epoch rather than the one of lowest training loss.</summary>
    public bool KeepLastWithoutValidation { get; init; }

    /// <summary>Hears the step's index (epoch × batches + batch) before each step: learning-rate schedules.</summary>
    public Action<int>? BeforeStep { get; init; }

    /// <summary>The learning rate's property and value, for the error of a run whose loss stops being finite.</summary>
    public (string Name, double Value) LearningRate { get; init; }

    public CheckpointPlan? Checkpoints { get; init; }

    /// <summary>Hears one-line notes (resuming, nothing to resume).</summary>
    public Action<string>? Notes { get; init; }

    public Result Run(IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var state = Network.State();
        int batches = Data.Batches;
        var curves = new TrainingCurves();
        int startEpoch = 0, bestEpoch = 0, stale = 0;
        double bestLoss = double.PositiveInfinity;
        var best = Snapshot(state);
        if (Checkpoints is { Resume: true, Path: { } resumeFrom } && File.Exists(resumeFrom))
        {
            var c = Checkpoint.Load(resumeFrom);
            if (c.Fingerprint != Checkpoints.Fingerprint)
                throw new InvalidDataException($"{resumeFrom}: the checkpoint belongs to other data or settings; delete it or train with Resume off");
            Restore(state, c.Weights, resumeFrom);
            ImportOptimizers(c.Optimizer);
            best = c.Best;
            (startEpoch, bestEpoch, bestLoss, stale, curves) = (c.EpochsDone, c.BestEpoch, c.BestLoss, c.EpochsWithoutImprovement, c.Curves);
            Notes?.Invoke($"resuming from {resumeFrom}: {c.EpochsDone} of {Epochs} epochs done, continuing with epoch {c.EpochsDone + 1}");
        }
        else
        {
            if (Checkpoints is { Resume: true })
                Notes?.Invoke($"nothing to resume ({Checkpoints.Path ?? "no checkpoint path set"} does not exist): starting at epoch 1");
            if (StartIsCandidate && Validate is not null) bestLoss = Validate(cancellation).Loss;
        }

        var targets = new float[Data.MaxBatchSize];
        var clock = Stopwatch.StartNew();
        int epochsRun = startEpoch, stepsDone = 0;
        // The draws of the epochs a resumed run skips, so that the next ones are those of an uninterrupted run.
        for (int epoch = 0; epoch < startEpoch; epoch++) Data.BeginEpoch(epoch);
        for (int epoch = startEpoch; epoch < Epochs && !(Patience > 0 && stale >= Patience); epoch++)
        {
            Network.SetTraining(true);
            Data.BeginEpoch(epoch);
            double lossSum = 0;
            int correct = 0, seen = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                var input = Data.Fill(epoch, b, targets, out int m);
                BeforeStep?.Invoke(epoch * batches + b);
                double batchLoss = Step.Run(input, targets.AsSpan(0, m));
                if (!double.IsFinite(batchLoss)) throw Diverged(epoch, b, batchLoss);
                lossSum += batchLoss * m;
                var logits = Step.Logits!;
                for (int i = 0; i < m; i++) if ((logits.Data[i] > 0 ? 1f : 0f) == targets[i]) correct++;
                seen += m;
                stepsDone++;
                if (progress is not null && (b % 10 == 9 || b == batches - 1))
                {
                    progress.Report(new TrainingProgress(epoch + 1, Epochs, b + 1, batches, lossSum / seen, (double)correct / seen,
                        null, null, clock.Elapsed, Remaining(clock.Elapsed, stepsDone, (Epochs - epoch) * batches - b - 1)));
                }
            }
            double trainLoss = lossSum / Math.Max(1, seen), trainAccuracy = (double)correct / Math.Max(1, seen);
            double? validationLoss = null, validationAccuracy = null;
            if (Validate is not null) (validationLoss, validationAccuracy) = Validate(cancellation);
            curves.Add(new EpochMetrics(epoch + 1, trainLoss, trainAccuracy, validationLoss, validationAccuracy));
            double? monitored = validationLoss ?? (KeepLastWithoutValidation ? null : trainLoss);
            if (monitored is not { } loss)
            {
                (bestEpoch, stale) = (epoch + 1, 0);
                best = Snapshot(state);
            }
            else if (!double.IsFinite(loss))
            {
                throw Diverged(epoch, batches, loss);
            }
            else if (loss < bestLoss)
            {
                (bestLoss, bestEpoch, stale) = (loss, epoch + 1, 0);
                best = Snapshot(state);
            }
            else
            {
                stale++;
            }
            epochsRun = epoch + 1;
            progress?.Report(new TrainingProgress(epoch + 1, Epochs, batches, batches, trainLoss, trainAccuracy,
                validationLoss, validationAccuracy, clock.Elapsed, Remaining(clock.Elapsed, stepsDone, (Epochs - epoch - 1) * batches)));
            if (Checkpoints is { Path: { } checkpointPath } plan)
                new Checkpoint(epoch + 1, bestEpoch, bestLoss, stale, plan.Fingerprint, Snapshot(state), ExportOptimizers(), best, curves).Save(checkpointPath);
        }
        Restore(state, best, "best epoch");
        Network.SetTraining(false);
        return new Result(curves, epochsRun, bestEpoch, bestLoss, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The error of a run whose loss stopped being a finite number: it says where and suggests a lower learning rate.
    /// The run stops there, so the checkpoint of the last finished epoch is left as it was.
    /// </summary>
    private InvalidDataException Diverged(int epoch, int batch, double loss)
    {
        string kept = Checkpoints?.Path is { } c && File.Exists(c) ? $"; the checkpoint of the last good epoch is kept in {c}" : "";
        var (name, rate) = LearningRate;
        return new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"training diverged: the loss became {loss} in epoch {epoch + 1}, batch {batch + 1}; lower the learning rate " +
            $"({name} is {rate:G4}, try {rate / 10:G4} or less){kept}"));
    }

    private Dictionary<string, Tensor> ExportOptimizers()
    {
        if (Optimizers.Count == 1) return Optimizers[0].ExportState();
        var all = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < Optimizers.Count; i++)
            foreach (var (name, tensor) in Optimizers[i].ExportState()) all.Add(Prefix(i) + name, tensor);
        return all;
    }

    private void ImportOptimizers(Dictionary<string, Tensor> state)
    {
        if (Optimizers.Count == 1)
        {
            Optimizers[0].ImportState(state);
            return;
        }
        for (int i = 0; i < Optimizers.Count; i++)
        {
            string prefix = Prefix(i);
            Optimizers[i].ImportState(state.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(e => e.Key[prefix.Length..], e => e.Value, StringComparer.Ordinal));
        }
    }

    private static string Prefix(int optimizer) => string.Create(CultureInfo.InvariantCulture, $"optimizer{optimizer}/");

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
