using GenderML.Data;
using GenderML.Training;

namespace GenderML.Classifiers;

/// <summary>
/// A recipe whose training another assembly supplies (GenderML.MLNet's ML.NET trainers, for one):
/// <see cref="Trainer"/>.<c>Fit</c> holds the validation part out as it does for every recipe and hands both parts to
/// <see cref="Fit"/>. A model it trains saves through a <see cref="Models.ModelKind"/> of the same assembly, and loads
/// through <see cref="GenderClassifier.Load"/> given that kind.
/// </summary>
public abstract record ExtensionRecipe : ClassifierRecipe
{
    /// <summary>A recipe of a kind defined outside GenderML.</summary>
    protected ExtensionRecipe()
    {
    }

    /// <summary>
    /// Trains on <paramref name="train"/>; <paramref name="validation"/> (null when none was held out) is scored into
    /// <see cref="TrainingResult.Validation"/>. Files that cannot be used go into <see cref="TrainingResult.Skipped"/>.
    /// </summary>
    protected abstract TrainingResult Fit(Dataset train, Dataset? validation, TrainingOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation);

    internal override TrainingResult FitStages(TrainingSplit split, TrainingOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        Fit(split.Train, split.Validation, options, progress, cancellation);
}
