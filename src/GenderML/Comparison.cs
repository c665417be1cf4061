using System.Diagnostics;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Training;

namespace GenderML;

/// <summary>One row of a <see cref="Comparison"/>: how one recipe did when trained and tested like the others.</summary>
/// <param name="Kind">The recipe's short name (<c>logreg</c>, <c>cnn2</c>, …).</param>
/// <param name="Accuracy">Accuracy on the test images, in [0, 1].</param>
/// <param name="MacroF1">The unweighted mean of the two classes' F1 scores.</param>
/// <param name="RocAuc">Area under the ROC curve (positive class: male).</param>
/// <param name="TrainingSeconds">Wall-clock seconds of <see cref="Trainer.Fit"/>, pixel cache included.</param>
/// <param name="InferenceMsPerImage">
/// Milliseconds per test image of an evaluation whose inputs are already in the model's cache (preprocessed pixels, or
/// the frozen network's outputs): the cost of the head.
/// </param>
/// <param name="PredictMsPerImage">
/// Milliseconds per image from a decoded image to its prediction (<see cref="IGenderClassifier.Predict(IReadOnlyList{Image})"/>
/// on up to <see cref="Comparison.PredictTimingImages"/> test images at once): what serving a new image costs, face
/// framing (a detector pass) included where the model has it.
/// </param>
/// <param name="ModelKilobytes">Size of the saved <c>.zip</c> model in KiB (1024 bytes).</param>
/// <param name="Report">The full evaluation on the test images.</param>
/// <param name="Framing">
/// The same test images with each face shrunk to <see cref="Comparison.FramingCheckFactor"/> of its size in the frame: how
/// the accuracy holds on a looser framing.
/// </param>
public sealed record ComparisonRow(string Kind, double Accuracy, double MacroF1, double RocAuc, double TrainingSeconds,
    double InferenceMsPerImage, double PredictMsPerImage, double ModelKilobytes, EvaluationReport Report, FramingCheck Framing);

/// <summary>The front door of <c>genderml compare</c>: several recipes trained with the same options, seed and split, tested on the same images.</summary>
public static class Comparison
{
    /// <summary>The looser framing every row is also scored on (<see cref="ComparisonRow.Framing"/>): faces at 70% of their size.</summary>
    public const double FramingCheckFactor = 0.7;

    /// <summary>How many test images <see cref="ComparisonRow.PredictMsPerImage"/> is timed on (the first readable ones).</summary>
    public const int PredictTimingImages = 128;

    /// <summary>
    /// Trains every recipe of <paramref name="recipes"/> on <paramref name="train"/> with
    /// <paramref name="optionsFor"/>(recipe) (pass the same seed to each for the same validation split), scores each on
    /// <paramref name="test"/> (as given, and with the faces shrunk to <see cref="FramingCheckFactor"/>) and measures training
    /// time, inference time per image and saved model size.
    /// </summary>
    /// <param name="recipes">The recipes, in the order of the rows.</param>
    /// <param name="train">The training images.</param>
    /// <param name="test">The test images, the same for every recipe.</param>
    /// <param name="optionsFor">The training options of each recipe.</param>
    /// <param name="progress">Receives the name of each recipe as its training starts (may be null).</param>
    /// <param name="cancellation">Stops between and inside trainings.</param>
    /// <exception cref="ArgumentException">No recipes, or the data cannot train a model (see <see cref="Trainer.Fit"/>).</exception>
    public static IReadOnlyList<ComparisonRow> Run(IReadOnlyList<ClassifierRecipe> recipes, Dataset train, Dataset test,
        Func<ClassifierRecipe, TrainingOptions> optionsFor, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recipes);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(optionsFor);
        if (recipes.Count == 0) throw new ArgumentException("give at least one recipe", nameof(recipes));
        var rows = new List<ComparisonRow>(recipes.Count);
        foreach (var recipe in recipes)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report(recipe.Kind);
            var options = optionsFor(recipe);
            var clock = Stopwatch.StartNew();
            var result = Trainer.Fit(recipe, train, null, options, null, cancellation);
            double trainingSeconds = clock.Elapsed.TotalSeconds;
            rows.Add(Measure(recipe.Kind, result.Classifier, test, options, trainingSeconds, cancellation));
        }
        return rows;
    }

    private static ComparisonRow Measure(string kind, IGenderClassifier model, Dataset test, TrainingOptions options, double trainingSeconds,
        CancellationToken cancellation)
    {
        var evaluation = new ModelEvaluationOptions { Threads = options.Threads, CacheFolder = options.CacheFolder };
        var report = Evaluator.Evaluate(model, test, evaluation, cancellation);   // also fills the model's cache of the test images
        var clock = Stopwatch.StartNew();
        Evaluator.Evaluate(model, test, evaluation, cancellation);
        double ms = clock.Elapsed.TotalMilliseconds / report.N;
        double predictMs = PredictTiming(model, test.Items);
        string file = Path.Combine(Path.GetTempPath(), $"genderml-compare-{Guid.NewGuid():N}.zip");
        try
        {
            model.Save(file);
            double kb = new FileInfo(file).Length / 1024.0;
            var c = report.Classification;
            var framing = new FramingCheck(FramingCheckFactor, Evaluator.Evaluate(model, test, evaluation with { Reframe = FramingCheckFactor }, cancellation));
            return new ComparisonRow(kind, report.Accuracy, c.MacroAverage.F1, report.RocAuc, trainingSeconds, ms, predictMs, kb, report, framing);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Image → prediction for the first readable test images, decoded beforehand; one warm-up image first (it also loads a
    // framing's detector). NaN when none of them can be read any more.
    private static double PredictTiming(IGenderClassifier model, IReadOnlyList<DatasetItem> items)
    {
        var images = new List<Image>(PredictTimingImages);
        foreach (var item in items)
        {
            if (images.Count == PredictTimingImages) break;
            try { images.Add(Image.Load(item.Path)); }
            catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException) { }
        }
        if (images.Count == 0) return double.NaN;
        model.Predict(images[0]);
        var clock = Stopwatch.StartNew();
        model.Predict(images);
        return clock.Elapsed.TotalMilliseconds / images.Count;
    }
}
