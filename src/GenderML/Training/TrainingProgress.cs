namespace GenderML.Training;

/// <summary>Where a training run is, reported after every few batches and at the end of every epoch.</summary>
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
    double? ValidationLoss, double? ValidationAccuracy, TimeSpan Elapsed, TimeSpan Remaining);
