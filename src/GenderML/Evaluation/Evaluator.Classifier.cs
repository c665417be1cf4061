using System.Globalization;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML.Evaluation;

public static partial class Evaluator
{
    /// <summary>
    /// Predicts every image of <paramref name="dataset"/> with <paramref name="classifier"/> and scores the predictions
    /// (positive class: male). Files that cannot be read are listed in <see cref="EvaluationReport.Skipped"/>, never
    /// dropped
    /// silently. GenderML's own models read the files through their disk cache; any other
    /// <see cref="IGenderClassifier"/> is given the decoded images.
    /// </summary>
    /// <exception cref="InvalidDataException">No image of <paramref name="dataset"/> could be scored, or the model gave a
    /// P(male) that is not a probability.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ModelEvaluationOptions.Reframe"/> is not in (0,
    /// 1], or <see cref="ModelEvaluationOptions.Stress"/> is not an <see cref="ImageStress"/>.</exception>
    public static EvaluationReport Evaluate(IGenderClassifier classifier, Dataset dataset,
        ModelEvaluationOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new ModelEvaluationOptions();
        if (options.Reframe is { } factor && !(factor > 0 && factor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), factor,
                "ModelEvaluationOptions.Reframe must be in (0, 1]");
        }
        if (options.Stress is { } stress && !Enum.IsDefined(stress))
            throw new ArgumentOutOfRangeException(nameof(options), stress, "ModelEvaluationOptions.Stress is not an ImageStress");
        var scores = classifier is IDatasetScorer scorer
            ? scorer.Score(dataset, options, cancellation)
            : ScoreImages(classifier, dataset, options, cancellation);
        foreach (var note in scores.Notes) options.Notes?.Invoke(note);
        var items = scores.Items;
        var skipped = dataset.Skipped.Select(s => new SkippedSample(s.Path, s.Reason)).Concat(scores.Skipped).ToList();
        CheckUsable(dataset, items, scores.PMale, skipped);
        int[] labels = [.. items.Select(i => i.Label)];
        var groups = GroupsOf(items, options, cancellation);
        var report = Evaluate(labels, scores.PMale, new EvaluationOptions
        {
            Skipped = skipped, Groups = groups, Abstain = options.Abstain, Seed = options.Seed,
        });
        double? before = null;
        if (scores.Uncalibrated is { } raw)
        {
            var rawScores = new double[raw.Length];
            for (int i = 0; i < raw.Length; i++) rawScores[i] = raw[i];
            before = BinaryMetrics.ExpectedCalibrationError(BinaryMetrics.Calibration(labels, rawScores, 10), labels.Length);
        }
        return report with { Predictions = Predictions(items, scores.PMale), UncalibratedExpectedCalibrationError = before };
    }

    /// <summary>
    /// Throws a one-line <see cref="InvalidDataException"/> when nothing can be scored: no image was usable, or the
    /// model gave a P(male) that is not a probability (a damaged model).
    /// </summary>
    private static void CheckUsable(Dataset dataset, IReadOnlyList<DatasetItem> items, ReadOnlySpan<float> pMale,
        IReadOnlyList<SkippedSample> skipped)
    {
        if (items.Count == 0)
        {
            string first = skipped.Count > 0 ? $"; the first: {skipped[0].Path}: {skipped[0].Reason}" : "";
            throw new InvalidDataException(
                $"{dataset.Root}: nothing to evaluate, none of its images could be used ({skipped.Count} skipped{first})");
        }
        for (int i = 0; i < pMale.Length; i++)
        {
            if (!(pMale[i] >= 0 && pMale[i] <= 1))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{items[i].Path}: the model gave P(male) = {pMale[i]}; the model is damaged"));
            }
        }
    }

    /// <summary>
    /// The per-image predictions of an evaluation: <paramref name="items"/>[i] scored <paramref name="pMale"/>[i].
    /// </summary>
    private static SamplePrediction[] Predictions(IReadOnlyList<DatasetItem> items, ReadOnlySpan<float> pMale)
    {
        var result = new SamplePrediction[items.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = new SamplePrediction(items[i].Path, items[i].Label, pMale[i]);
        return result;
    }

    /// <summary>
    /// Any classifier: the files decoded (and distorted) a block at a time and given to <see
    /// cref="IGenderClassifier.Predict(IReadOnlyList{Image})"/>.
    /// </summary>
    private static DatasetScores ScoreImages(IGenderClassifier classifier, Dataset dataset,
        ModelEvaluationOptions options, CancellationToken cancellation)
    {
        var items = dataset.Items;
        string[] paths = [.. items.Select(i => i.Path)];
        var errors = new string?[items.Count];
        var p = new float[items.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.Threads), CancellationToken = cancellation,
        };
        var all = Enumerable.Range(0, items.Count).ToList();
        FileImages.ForEachChunk(paths, all, InputDistortion.Of(options), errors, parallel, (indices, images) =>
        {
            var predictions = classifier.Predict(images);
            for (int k = 0; k < indices.Length; k++)
            {
                p[indices[k]] = predictions[k].ProbabilityMale;
                if (float.IsNaN(p[indices[k]])) errors[indices[k]] = "no prediction (P(male) is NaN)";
            }
        }, null);
        return DatasetScores.Kept(items, p, errors, []);
    }
}
