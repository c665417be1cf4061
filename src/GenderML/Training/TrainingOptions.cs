namespace GenderML.Training;

/// <summary>How a network is trained. Every random choice (initial weights, shuffling, augmentation, dropout) comes from <see cref="Seed"/>.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data at the most.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Images per optimiser step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The peak learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>How the learning rate changes over the run.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.OneCycle;

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>Decoupled weight decay (AdamW) or L2 added to the gradient (Adam, SGD).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>L1 penalty λ·Σ|w| on the weights.</summary>
    public double L1 { get; init; }

    /// <summary>L2 penalty ½λ·Σw² on the weights.</summary>
    public double L2 { get; init; }

    /// <summary>Clip the global gradient norm to this (0 = no clipping).</summary>
    public double GradientClipNorm { get; init; } = 5.0;

    /// <summary>Weigh the loss of each class by n / (2·n_class), so an unbalanced set trains as a balanced one.</summary>
    public bool BalanceClasses { get; init; } = true;

    /// <summary>Stop when validation loss has not improved for this many epochs (0 = never); the best epoch's weights are kept.</summary>
    public int EarlyStoppingPatience { get; init; } = 4;

    /// <summary>Random image changes applied to each training sample.</summary>
    public AugmentationOptions Augmentation { get; init; } = AugmentationOptions.Default;

    /// <summary>The seed of every random choice.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Threads for kernels and batch preparation (default: every core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Where the preprocessed pixel cache lives (null = the default cache folder).</summary>
    public string? CacheFolder { get; init; }

    /// <summary>Share of the training images held out for validation when no validation set is given.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>A checkpoint file written after every epoch (null = none).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from <see cref="CheckpointPath"/> when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>Hears what the run remarks on: the epoch it resumed from, or that it started fresh.</summary>
    public Action<string>? Notes { get; init; }
}

/// <summary>The learning-rate schedules a run can use.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate throughout.</summary>
    Constant,

    /// <summary>×0.1 every third of the run.</summary>
    Step,

    /// <summary>×0.9 every epoch.</summary>
    Exponential,

    /// <summary>Cosine annealing to zero, with a short warm-up.</summary>
    Cosine,

    /// <summary>One-cycle: warm up to the peak over 30% of the steps, then anneal.</summary>
    OneCycle,
}

/// <summary>The optimisers a run can use.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with Nesterov momentum 0.9.</summary>
    Sgd,

    /// <summary>Adam.</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}

/// <summary>Random changes to training images (never to validation or test images).</summary>
/// <param name="FlipHorizontal">Mirror half of the images.</param>
/// <param name="MaxShift">Largest shift, as a fraction of the side.</param>
/// <param name="MinScale">Smallest zoom: below 1 shows more border (a looser crop).</param>
/// <param name="MaxScale">Largest zoom: above 1 crops tighter.</param>
/// <param name="MaxRotationDegrees">Largest rotation either way.</param>
/// <param name="MaxBrightness">Largest brightness change, as a fraction of full scale.</param>
/// <param name="MaxContrast">Largest relative contrast change.</param>
public sealed record AugmentationOptions(
    bool FlipHorizontal, float MaxShift, float MinScale, float MaxScale, float MaxRotationDegrees, float MaxBrightness, float MaxContrast)
{
    /// <summary>
    /// Flips, ±8% shifts, zoom 0.5–1.1, ±10°, ±15% brightness and contrast, for convolutional networks (see <see cref="Mild"/>
    /// for the others). Zooming out to half size shows the networks faces framed twice as loosely as tight crops (whole
    /// head, some surround), so they hold their accuracy on looser framings (docs/BENCHMARKS.md).
    /// </summary>
    public static AugmentationOptions Default { get; } = new(true, 0.08f, 0.5f, 1.1f, 10f, 0.15f, 0.15f);

    /// <summary>
    /// As <see cref="Default"/> with zoom 0.7–1.1, for networks without convolutions (dense, row-by-row RNN): they cannot
    /// learn a change of scale, and a zoom down to 0.5 costs them accuracy for no gain on loose framings
    /// (docs/BENCHMARKS.md).
    /// </summary>
    public static AugmentationOptions Mild { get; } = Default with { MinScale = 0.7f };

    /// <summary>No augmentation.</summary>
    public static AugmentationOptions None { get; } = new(false, 0f, 1f, 1f, 0f, 0f, 0f);

    /// <summary>True when some change is enabled.</summary>
    public bool Enabled => FlipHorizontal || MaxShift > 0 || MinScale != 1 || MaxScale != 1 || MaxRotationDegrees > 0 || MaxBrightness > 0 || MaxContrast > 0;
}
