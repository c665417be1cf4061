using GenderML.Training;

namespace GenderML.Cli;

/// <summary>The training options of the command line (<c>--epochs --batch --lr --seed --threads --cache --patience --validation --no-augment --zoom</c>), shared by train, compare and tune.</summary>
internal static class TrainingArgs
{
    /// <summary>The options for model <paramref name="name"/>; defaults depend on the model (dense and rnn: 10 epochs at 1e-3 and the mild zoom; logreg: no validation).</summary>
    public static TrainingOptions Parse(CliArgs a, string name)
    {
        var o = new TrainingOptions
        {
            Epochs = a.Int("--epochs", name switch { "dense" => 10, "rnn" => 10, _ => 12 }),
            BatchSize = a.Int("--batch", 64),
            LearningRate = a.Double("--lr", name is "dense" or "rnn" ? 1e-3 : 2e-3),
            Seed = a.Int("--seed", 1),
            Threads = a.Int("--threads", Environment.ProcessorCount),
            CacheFolder = a.String("--cache"),
            EarlyStoppingPatience = a.Int("--patience", 4),
            ValidationFraction = a.Double("--validation", name is "logreg" or "gbdt" ? 0 : 0.1),
        };
        if (name is "dense" or "rnn") o = o with { Augmentation = AugmentationOptions.Mild };
        if (a.Flag("--no-augment")) o = o with { Augmentation = AugmentationOptions.None };
        if (a.String("--zoom") is { } zoom) o = o with { Augmentation = o.Augmentation with { MinScale = ZoomBound(zoom, 0), MaxScale = ZoomBound(zoom, 1) } };
        if (o.ValidationFraction is < 0 or >= 1) throw new UsageException("--validation takes a fraction in [0, 1)");
        if (o.Epochs < 1 || o.BatchSize < 1 || o.Threads < 1 || !(o.LearningRate > 0))
            throw new UsageException("--epochs, --batch, --threads and --lr must be positive");
        if (o.EarlyStoppingPatience < 0) throw new UsageException("--patience must be 0 or more");
        return o;
    }

    // --zoom MIN,MAX: the augmentation's zoom range; below 1 is a looser crop.
    private static float ZoomBound(string text, int index)
    {
        var parts = text.Split(',');
        if (parts.Length != 2 || !float.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float min)
            || !float.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float max)
            || !(min > 0) || !(max >= min) || max > 4)
            throw new UsageException($"--zoom takes MIN,MAX with 0 < MIN ≤ MAX ≤ 4 (e.g. 0.5,1.1), not '{text}'");
        return index == 0 ? min : max;
    }
}
