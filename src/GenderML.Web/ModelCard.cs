namespace GenderML.Web;

/// <summary>
/// What <c>GET /api/models/{name}</c> says of a served model: what it is, how it reads an image, how it was trained,
/// its metrics, and what it is for and not for.
/// </summary>
internal sealed record ModelCard(
    string Name,
    string Version,
    string Kind,
    string Architecture,
    IReadOnlyList<string> Classes,
    PreprocessingCard Preprocessing,
    TrainingCard? Training,
    IReadOnlyDictionary<string, double> ValidationMetrics,
    TestMetricsCard? TestMetrics,
    string IntendedUse,
    IReadOnlyList<string> Limits)
{
    private const string Use = "Estimates perceived, binary gender presentation (female/male) from a face image, for aggregate "
        + "statistics, research and content tooling where an error harms no one.";

    private static readonly string[] KnownLimits =
    [
        "It guesses how a face presents in a photo; it does not know anyone's gender identity, and it knows only two labels.",
        "Accuracy differs across ages, ethnicities, make-up and framings; figures measured on the bundled data (mostly adult "
            + "Western celebrities, tight crops) overstate how it does on other populations.",
        "Not for decisions about a person (access, eligibility, identity checks, surveillance).",
    ];

    public static ModelCard Of(ServedModel model, TestMetricsCard? test)
    {
        var info = model.Info;
        var p = info.Preprocessing;
        var training = info.Training is { } t
            ? new TrainingCard(t.Epochs, t.BestEpoch, t.TrainCount, t.ValidationCount, t.Seed, t.DatasetFingerprint)
            : null;
        return new ModelCard(model.Name, model.Version, info.Kind, info.Architecture, info.ClassNames,
            new PreprocessingCard(p.Size, p.Format.ToString(), p.Mode.ToString(), p.Framing?.Key),
            training, info.Metrics, test, Use, KnownLimits);
    }
}

/// <summary>How an image becomes the model's input: side, pixel format, resize mode, framing.</summary>
internal sealed record PreprocessingCard(int Size, string Format, string Mode, string? Framing);

/// <summary>The training run's summary.</summary>
internal sealed record TrainingCard(int Epochs, int BestEpoch, int TrainCount, int ValidationCount, int Seed, string DatasetFingerprint);

/// <summary>Metrics the dashboard measured on a sample of the served data's test split.</summary>
internal sealed record TestMetricsCard(int Images, double Accuracy, double RocAuc, double LogLoss, double ExpectedCalibrationError,
    IReadOnlyList<GroupCard> Groups);

/// <summary>Accuracy of one group of test images.</summary>
internal sealed record GroupCard(string Group, int Count, double Accuracy);
