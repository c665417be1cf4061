using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Losses;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;
using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>
/// Trains a one-logit pixel network: shuffled, augmented mini-batches, binary cross-entropy (with class weights),
/// penalties, gradient clipping and an optimiser under a learning-rate schedule, run through the <see cref="EpochLoop"/>
/// (validation after each epoch, early stopping that restores the best epoch, a checkpoint after every epoch).
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

        var input = new Tensor(batch, builder.Channels, builder.Size, builder.Size);
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
        var loop = new EpochLoop
        {
            Network = network,
            Step = step,
            Optimizers = [optimizer],
            Data = new PixelBatches(train, builder, input, batch, dropouts, o),
            Epochs = o.Epochs,
            Patience = o.EarlyStoppingPatience,
            Validate = validation is { Count: > 0 }
                ? c => NetworkRunner.Score(NetworkRunner.Logits(network, validation, builder, batch, c), validation)
                : null,
            BeforeStep = i => stepIndex = i,
            LearningRate = ("TrainingOptions.LearningRate", o.LearningRate),
            Checkpoints = new EpochLoop.CheckpointPlan(o.CheckpointPath, fingerprint, o.Resume),
            Notes = o.Notes,
        };
        var result = loop.Run(progress, cancellation);
        return new Result(result.Curves, result.EpochsRun, result.BestEpoch, result.Seconds);
    }

    /// <summary>
    /// Shuffled, augmented batches of whole <c>batch</c> size (the last partial batch of an epoch is left out); each
    /// epoch's order and dropout masks depend on (seed, epoch) alone.
    /// </summary>
    private sealed class PixelBatches(SampleSource train, BatchBuilder builder, Tensor input, int batch, IReadOnlyList<Dropout> dropouts,
        TrainingOptions o) : IEpochBatches
    {
        private int[] _order = [];

        public int Batches => train.Count / batch;

        public int MaxBatchSize => batch;

        public void BeginEpoch(int epoch)
        {
            // The masks' seeds depend on (seed, epoch, layer) alone; HashCode.Combine would differ from process to process.
            for (int d = 0; d < dropouts.Count; d++) dropouts[d].Reseed((int)new SampleRandom(o.Seed, epoch, d).Next());
            _order = Permutation(train.Count, o.Seed, epoch);
        }

        public Tensor Fill(int epoch, int b, float[] targets, out int count)
        {
            builder.Fill(train, _order.AsSpan(b * batch, batch), input, targets, o.Augmentation, o.Seed, epoch);
            count = batch;
            return input;
        }
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
}
