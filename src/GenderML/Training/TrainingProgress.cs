namespace GenderML.Training;

/// <summary>
/// Where a training run is, reported after every few batches and at the end of every epoch. Before the epochs, a pass over
/// the images may come first: the pixel cache being built (<see cref="Phase"/> <see cref="PreparingPhase"/>; decoding,
/// and with face framing, detecting every image) or a transfer model's frozen network (<see cref="EmbeddingPhase"/>).
/// Those reports count images in <see cref="Batch"/> of <see cref="Batches"/>, time that pass in <see cref="Elapsed"/>
/// and <see cref="Remaining"/>, and have epoch 0 and NaN losses.
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

    /// <summary>The <see cref="Phase"/> of a pixel cache build (decoding, and framing where set) before training.</summary>
    public const string PreparingPhase = "preparing";

    /// <summary>What the run is doing: <see cref="TrainingPhase"/>, <see cref="PreparingPhase"/> or <see cref="EmbeddingPhase"/>.</summary>
    public string Phase { get; init; } = TrainingPhase;

    /// <summary>
    /// The progress of one pixel cache build of <paramref name="total"/> images (for <see cref="Data.PixelCacheOptions.Progress"/>)
    /// that reports to <paramref name="progress"/> as <see cref="PreparingPhase"/>, timed from this call; null when there is
    /// no one to report to.
    /// </summary>
    public static IProgress<int>? PreparingPass(IProgress<TrainingProgress>? progress, int total)
    {
        var pass = Pass(progress, PreparingPhase);
        return pass is null ? null : new Reporter(done => pass(done, total));
    }

    /// <summary>
    /// The (done, to do) callback of one embedding pass that reports to <paramref name="progress"/>, timing the pass from
    /// this call and estimating the rest from its pace; null when there is no one to report to.
    /// </summary>
    internal static Action<int, int>? EmbeddingPass(IProgress<TrainingProgress>? progress) => Pass(progress, EmbeddingPhase);

    private static Action<int, int>? Pass(IProgress<TrainingProgress>? progress, string phase)
    {
        if (progress is null) return null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return (done, total) =>
        {
            var elapsed = clock.Elapsed;
            var remaining = done == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(total - done) / done)));
            progress.Report(new TrainingProgress(0, 0, done, total, double.NaN, double.NaN, null, null, elapsed, remaining) { Phase = phase });
        };
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls its action on the reporting thread, at once.</summary>
    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
