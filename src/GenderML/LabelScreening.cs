using System.Diagnostics;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Linear;
using GenderML.Training;
using GenderML.Transfer;

namespace GenderML;

/// <summary>Settings of <see cref="LabelScreening.Screen"/>.</summary>
public sealed record LabelScreeningOptions
{
    /// <summary>Folds of the cross-validation: each image is scored by a model fitted on the other folds. Default 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>A label is suspect when the model gives it a probability below this. Default 0.1.</summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary>Inverse L2 strength of the logistic model (the value `transfer-resnet` picks on kaggle-gender). Default 0.01.</summary>
    public double C { get; init; } = 0.01;

    /// <summary>Seed of the fold assignment.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Threads for decoding, the networks and the fits (default: every core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Where the embedding cache lives (null = the default cache folder); `transfer-resnet` evaluations share it.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>The face-api weights folder; null finds <c>models/face-api</c> above the working folder.</summary>
    public string? ModelsFolder { get; init; }
}

/// <summary>
/// The front door for finding wrong labels: every image is scored by a model that did not see it, and the images whose
/// label that model finds unlikely are listed for a person to look at (none is dropped or relabelled). The model is
/// `transfer-resnet`'s: the frozen face ResNet's stage means of the canonically cropped face, averaged with the mirror image's,
/// and an L-BFGS logistic regression, fitted k times (k-fold, stratified, seeded). On kaggle-gender's test split it
/// finds most of the 185 wrong labels a person found by eye (docs/BENCHMARKS.md).
/// </summary>
public static class LabelScreening
{
    /// <summary>Screens <paramref name="data"/>; <paramref name="progress"/> hears the embedding pass (cache misses only).</summary>
    /// <exception cref="ArgumentException">Fewer readable images of a class than folds.</exception>
    /// <exception cref="FileNotFoundException">A face-api weight file is missing (the message says how to fetch it).</exception>
    public static LabelScreeningReport Screen(Dataset data, LabelScreeningOptions? options = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new LabelScreeningOptions();
        if (options.Folds < 2) throw new ArgumentOutOfRangeException(nameof(options), "screening needs at least 2 folds");
        if (!(options.Threshold is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(options), "the threshold is a probability in (0, 1)");
        var clock = Stopwatch.StartNew();
        int threads = Math.Max(1, options.Threads);
        string? folder = options.ModelsFolder;
        var embedder = new Embedder(folder, FaceResNetFeatures.StageMeans, ageGender: false,
            FaceFraming.Canonical(0, FaceFraming.LegacyDetectorSize, folder, threads), threads, mirror: true);
        var items = data.Items;
        var errors = new string?[items.Count];
        var embedded = embedder.EmbedFiles([.. items.Select(i => i.Path)], options.CacheFolder ?? PixelCacheOptions.DefaultFolder(), null, errors, out _, cancellation,
            TrainingProgress.EmbeddingPass(progress));
        var skipped = data.Skipped.Select(s => new SkippedSample(s.Path, s.Reason)).ToList();
        var kept = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            if (errors[i] is { } reason) skipped.Add(new SkippedSample(items[i].Path, reason));
            else kept.Add(i);
        }

        int d = Embedder.ResNetLength(FaceResNetFeatures.StageMeans), n = kept.Count;
        var x = new float[n * d];
        for (int k = 0; k < n; k++) embedded[kept[k]].ResNet!.CopyTo(x, k * d);
        int[] y = [.. kept.Select(i => items[i].Label)];
        double[] pMale = OutOfFold(x, y, d, options, threads, cancellation);

        var suspects = Enumerable.Range(0, n)
            .Select(k => new SuspectLabel(items[kept[k]].Path, y[k], y[k] == 1 ? pMale[k] : 1 - pMale[k]))
            .Where(s => s.ProbabilityOfLabel < options.Threshold)
            .OrderBy(s => s.ProbabilityOfLabel).ThenBy(s => s.Path, StringComparer.Ordinal).ToList();
        return new LabelScreeningReport { Screened = n, Suspects = suspects, Threshold = options.Threshold, Skipped = skipped, Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>How many suspects <see cref="Sheet"/> shows at most.</summary>
    public const int SheetSize = 48;

    /// <summary>
    /// A contact sheet of the first <see cref="SheetSize"/> suspects (least likely label first), each captioned with its
    /// rank, its label (F/M) and the screening model's P(male), as the error sheets of evaluation reports are.
    /// </summary>
    public static Imaging.Image Sheet(LabelScreeningReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Suspects.Count == 0) throw new ArgumentException("there are no suspects to show", nameof(report));
        return ErrorSheet.Render([.. report.Suspects.Take(SheetSize).Select(s => new SamplePrediction(s.Path, s.Label, s.Label == 1 ? s.ProbabilityOfLabel : 1 - s.ProbabilityOfLabel))]);
    }

    /// <summary>
    /// The suspects as CSV, <c>path,label,suggested,pLabel</c> (suggested = the other class; pLabel = the out-of-fold
    /// probability of the given label), least likely first; ready to review and feed back as a relabelled manifest.
    /// </summary>
    public static string SuspectsCsv(LabelScreeningReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new System.Text.StringBuilder("path,label,suggested,pLabel\n");
        foreach (var s in report.Suspects)
            sb.Append(EvaluationMarkdown.CsvField(s.Path)).Append(',').Append(GenderLabels.ClassNames[s.Label]).Append(',')
              .Append(GenderLabels.ClassNames[1 - s.Label]).Append(',').Append(s.ProbabilityOfLabel.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    /// <summary>P(male) of each row from a logistic model fitted (on its own standardisation) to the other folds.</summary>
    internal static double[] OutOfFold(float[] x, int[] y, int d, LabelScreeningOptions options, int threads, CancellationToken cancellation)
    {
        int[] fold = Tuner.Folds(y, options.Folds, options.Seed);
        var p = new double[y.Length];
        for (int k = 0; k < options.Folds; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            int[] fit = [.. Enumerable.Range(0, y.Length).Where(i => fold[i] != k)];
            int[] held = [.. Enumerable.Range(0, y.Length).Where(i => fold[i] == k)];
            var xf = Rows(x, fit, d);
            var (mean, std) = TransferTrainer.Standardisation(xf, fit.Length, d);
            TransferTrainer.Standardise(xf, mean, std);
            var model = LogisticRegression.Fit(xf, fit.Length, d, [.. fit.Select(i => y[i])],
                new LogisticRegressionOptions { C = options.C, MaxIterations = 1000, Compute = new ComputeOptions { Threads = threads } }, null, cancellation);
            var xh = Rows(x, held, d);
            TransferTrainer.Standardise(xh, mean, std);
            for (int j = 0; j < held.Length; j++) p[held[j]] = model.PredictProbability(xh.AsSpan(j * d, d));
        }
        return p;
    }

    private static float[] Rows(float[] x, int[] rows, int d)
    {
        var r = new float[rows.Length * d];
        for (int j = 0; j < rows.Length; j++) x.AsSpan(rows[j] * d, d).CopyTo(r.AsSpan(j * d));
        return r;
    }
}
