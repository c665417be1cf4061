using GenderML.Data;
using GenderML.Evaluation;

namespace GenderML;

/// <summary>What a trained classifier is and how it came to be; saved in the model's <c>manifest.json</c>.</summary>
public sealed record ClassifierInfo
{
    /// <summary>The recipe's short name: <c>logreg</c>, <c>dense</c>, <c>cnn2</c>, <c>cnn3</c>, <c>vgg</c>, <c>rnn</c>, ….</summary>
    public required string Kind { get; init; }

    /// <summary>A readable description of the model's layers.</summary>
    public required string Architecture { get; init; }

    /// <summary>The class names in label order (female, male).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = GenderLabels.ClassNames;

    /// <summary>How an image becomes the model's input.</summary>
    public required PreprocessOptions Preprocessing { get; init; }

    /// <summary>How training went; null for a model that was not trained here.</summary>
    public TrainingSummary? Training { get; init; }

    /// <summary>Metrics measured on the validation data at the end of training (accuracy, auc, logLoss, …).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Loss and accuracy per epoch; null for models fitted in one go.</summary>
    public TrainingCurves? Curves { get; init; }

    /// <summary>The map from the model's raw P(male) to the P(male) it predicts; the identity for models saved without one.</summary>
    public ProbabilityCalibration Calibration { get; init; } = ProbabilityCalibration.Identity;

    /// <summary>The model card saved with the model; null for models saved before cards (<see cref="ModelCard.For"/> makes one).</summary>
    public ModelCard? Card { get; init; }
}

/// <summary>A summary of one training run.</summary>
/// <param name="Epochs">Epochs (or optimiser iterations, for logistic regression) run.</param>
/// <param name="BestEpoch">The epoch whose weights were kept (early stopping restores it).</param>
/// <param name="Seconds">Wall-clock training time (not saved with the model: a saved model holds no wall-clock time).</param>
/// <param name="TrainCount">Images trained on.</param>
/// <param name="ValidationCount">Images validated on.</param>
/// <param name="Seed">The seed every random choice came from.</param>
/// <param name="DatasetFingerprint">A hash of the training files' paths, sizes and labels.</param>
/// <param name="Options">The training options, as text.</param>
public sealed record TrainingSummary(int Epochs, int BestEpoch, [property: System.Text.Json.Serialization.JsonIgnore] double Seconds, int TrainCount, int ValidationCount, int Seed, string DatasetFingerprint, string Options);
