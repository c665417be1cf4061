namespace GenderML.Evaluation;

/// <summary>Loss and accuracy after one epoch, on the training data and (when there is one) the validation set.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch.</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch, in [0, 1].</param>
/// <param name="ValidationLoss">Validation loss after the epoch, or null without a validation set.</param>
/// <param name="ValidationAccuracy">Validation accuracy after the epoch, or null.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double? ValidationLoss = null, double? ValidationAccuracy = null);
