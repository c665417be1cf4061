using GenderML.Classifiers;

namespace GenderML;

/// <summary>
/// What a model is for and how far to trust it: intended and not-intended uses, the training data, metrics known at
/// training time (validation, calibration, per group) and its limits. Saved in every model <c>.zip</c> as
/// <c>card.json</c>; <see cref="For"/> gives a loaded model's card.
/// </summary>
public sealed partial record ModelCard
{
    /// <summary>The model's kind (<c>logreg</c>, <c>cnn3</c>, <c>transfer</c>, <c>pretrained</c>, …).</summary>
    public required string Kind { get; init; }

    /// <summary>The model's architecture, as <see cref="ClassifierInfo.Architecture"/>.</summary>
    public required string Architecture { get; init; }

    /// <summary>What the model is meant for.</summary>
    public string IntendedUse { get; init; } = DefaultIntendedUse;

    /// <summary>Uses the model is not meant for.</summary>
    public IReadOnlyList<string> NotIntendedUses { get; init; } = DefaultNotIntendedUses;

    /// <summary>What the model cannot do, and where it is known to do worse.</summary>
    public IReadOnlyList<string> Limits { get; init; } = DefaultLimits;

    /// <summary>The data the model was trained on; null when it was not trained here.</summary>
    public ModelCardData? TrainingData { get; init; }

    /// <summary>Where the weights come from when they were not trained here (the <c>pretrained</c> model); else null.</summary>
    public string? Provenance { get; init; }

    /// <summary>Metrics on the validation part at the end of training (calibrated): accuracy, auc, logLoss, brier, ece.</summary>
    public IReadOnlyDictionary<string, double> ValidationMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The calibration every prediction goes through.</summary>
    public ProbabilityCalibration Calibration { get; init; } = ProbabilityCalibration.Identity;

    /// <summary>Accuracy per group on the validation part, where the training data carries groups; else empty.</summary>
    public IReadOnlyList<Evaluation.GroupBreakdown> ValidationGroups { get; init; } = [];

    /// <summary>Evaluations added after training (<c>genderml evaluate --card-out</c>), in the order they were added.</summary>
    public IReadOnlyList<ModelCardEvaluation> Evaluations { get; init; } = [];

    /// <summary>The default <see cref="IntendedUse"/>.</summary>
    public const string DefaultIntendedUse =
        "Estimating the perceived, binary gender presentation (female or male) of a face in an image, for research and for " +
        "describing collections of images in aggregate, with the per-group figures below in mind.";

    /// <summary>The default <see cref="NotIntendedUses"/>.</summary>
    public static IReadOnlyList<string> DefaultNotIntendedUses { get; } =
    [
        "Inferring anyone's gender identity, sex or pronouns: the model guesses how a face is presented, in two classes.",
        "Decisions about a person (access, eligibility, identity checks, surveillance, targeting) without their consent and human review.",
        "Use on people, ages, framings or image qualities unlike the training data without measuring it there first.",
    ];

    /// <summary>The default <see cref="Limits"/>.</summary>
    public static IReadOnlyList<string> DefaultLimits { get; } =
    [
        "It predicts perceived, binary presentation from a face: non-binary people, and anyone whose presentation differs " +
        "from their identity, are misdescribed by design.",
        "Accuracy differs between ages and ethnic groups, and a model trained on one population can do much worse on another " +
        "(older women fared worst in the project's measurements): read the per-group figures, and measure on data like yours.",
        "Probabilities are calibrated on held-out images of the training distribution; elsewhere they can be over-confident.",
        "Training labels can be wrong; the figures here are measured against such labels.",
    ];

    /// <summary>
    /// The card of <paramref name="classifier"/>: the one saved with it, or, for a model saved before cards existed, one
    /// made from its <see cref="ClassifierInfo"/> (kind, architecture, training counts, metrics, calibration).
    /// </summary>
    public static ModelCard For(IGenderClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var info = classifier.Info;
        if (info.Card is { } card) return card;
        var t = info.Training;
        return new ModelCard
        {
            Kind = info.Kind,
            Architecture = info.Architecture,
            TrainingData = t is null ? null : new ModelCardData("(not recorded)",
                [new ModelCardCount(Data.SplitNames.Train, "all", t.TrainCount), new ModelCardCount(Data.SplitNames.Validation, "all", t.ValidationCount)],
                "(not recorded)"),
            ValidationMetrics = info.Metrics,
            Calibration = info.Calibration,
        };
    }

    /// <summary>This card with <paramref name="evaluation"/> appended to <see cref="Evaluations"/>.</summary>
    public ModelCard WithEvaluation(ModelCardEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return this with { Evaluations = [.. Evaluations, evaluation] };
    }
}
