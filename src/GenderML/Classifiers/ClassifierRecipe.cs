using GenderML.Data;

namespace GenderML.Classifiers;

/// <summary>
/// An untrained classifier: what to build and how to preprocess images for it. <see cref="Trainer"/>.<c>Fit</c>
/// turns a recipe and data into a trained <see cref="IGenderClassifier"/>.
/// </summary>
public abstract record ClassifierRecipe
{
    private protected ClassifierRecipe()
    {
    }

    /// <summary>The short name used by the CLI and saved models (<c>logreg</c>, <c>cnn2</c>, …).</summary>
    public abstract string Kind { get; }

    /// <summary>How images become inputs: side, gray or RGB, and how non-square images are made square.</summary>
    public PreprocessOptions Preprocessing { get; init; } = new() { Size = 50 };

    /// <summary>
    /// How the recipe is trained (epochs, learning rate, seed, augmentation, validation share…): what
    /// <see cref="Trainer"/>.<c>Fit</c> uses when it is given no other options.
    /// </summary>
    public Training.TrainingOptions Training { get; init; } = new();

    /// <summary>
    /// How <see cref="Trainer"/>.<c>Fit</c> calibrates the trained model's P(male) (<see cref="ClassifierInfo.Calibration"/>):
    /// fitted on the validation part's scores, or, without one, on out-of-fold scores (<see cref="CalibrationFolds"/>).
    /// Default <see cref="CalibrationMethod.Temperature"/>, which leaves every label as it is.
    /// </summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.Temperature;

    /// <summary>
    /// Folds of the out-of-fold scores that calibrate a pixel model trained without a validation part: each fold is
    /// scored by the recipe trained on the others (so training costs this many extra fits). Default 3; below 2, such a
    /// model is left uncalibrated.
    /// </summary>
    public int CalibrationFolds { get; init; } = 3;

    /// <summary>
    /// The stages between the images and the trained model: this recipe's framing, its features and its head, fitted
    /// on <paramref name="split"/>. A pixel recipe reads pixels from the pixel cache.
    /// </summary>
    internal virtual TrainingResult FitStages(Training.TrainingSplit split, Training.TrainingOptions options,
        IProgress<Training.TrainingProgress>? progress, CancellationToken cancellation) =>
        GenderML.Training.PixelStage.Fit(this, split, options, progress, cancellation);
}
