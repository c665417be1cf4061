namespace GenderML.Trees;

/// <summary>Reported after each tree: the mean log-loss of the training set and, if given, the validation set.</summary>
/// <param name="Tree">Trees fitted so far.</param>
/// <param name="TrainLoss">Mean log-loss (natural log) over the training rows.</param>
/// <param name="ValidationLoss">Mean log-loss over the validation rows, or null without a validation set.</param>
internal sealed record GradientBoostingProgress(int Tree, double TrainLoss, double? ValidationLoss);
