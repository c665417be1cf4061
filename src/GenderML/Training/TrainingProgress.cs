namespace GenderML.Training;

/// <summary>
/// Where a training run is, reported after every few batches and at the end of every epoch. Transfer models first run
/// their frozen network over the images: those reports have <see cref="Phase"/> <see cref="EmbeddingPhase"/>, count
/// images in <see cref="Batch"/> of <see cref="Batches"/>, time that pass (training set, then validation set) in
/// <see cref="Elapsed"/> and <see cref="Remaining"/>, and have epoch 0 and NaN losses.
/// </summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in an epoch.</param>
/// <param name="TrainLoss">Mean training loss so far this epoch.</param>
/// <param name="TrainAccuracy">Training accuracy so far this epoch.</param>
/// <param name="ValidationLoss">Validation loss at the end of the epoch (null before).</param>
/// <param name="ValidationAccuracy">Validation accuracy at the end of the epoch (null before).</param>
/// <param name="Elapsed">Time since the run (or the resumed run) started.</param>
/// <param name="Remaining">Estimated time left, from the pace so far.</param>
public sealed record TrainingProgress(
    int Epoch, int Epochs, int Batch, int Batches, double TrainLoss, double TrainAccuracy,
    double? ValidationLoss, double? ValidationAccuracy, TimeSpan Elapsed, TimeSpan Remaining)
{
    /// <summary>The <see cref="Phase"/> of epochs of training.</summary>
    public const string TrainingPhase = "training";

    /// <summary>The <see cref="Phase"/> of a frozen network's pass over the images (cache misses only) before a head is fitted.</summary>
    public const string EmbeddingPhase = "embedding";

    /// <summary>What the run is doing: <see cref="TrainingPhase"/> or <see cref="EmbeddingPhase"/>.</summary>
    public string Phase { get; init; } = TrainingPhase;

    /// <summary>
    /// The (done, to do) callback of one embedding pass that reports to <paramref name="progress"/>, timing the pass from
    /// this call and estimating the rest from its pace; null when there is no one to report to.
    /// </summary>
    internal static Action<int, int>? EmbeddingPass(IProgress<TrainingProgress>? progress)
    {
        if (progress is null) return null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return (done, total) =>
        {
            var elapsed = clock.Elapsed;
            var remaining = done == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(total - done) / done)));
            progress.Report(new TrainingProgress(0, 0, done, total, double.NaN, double.NaN, null, null, elapsed, remaining) { Phase = EmbeddingPhase });
        };
    }
}
