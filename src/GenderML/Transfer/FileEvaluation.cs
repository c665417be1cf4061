using System.Globalization;
using GenderML.Data;
using GenderML.Evaluation;

namespace GenderML.Transfer;

/// <summary>Evaluation of face-api based models from the image files (through their disk cache of network outputs), not the pixel cache.</summary>
internal static class FileEvaluation
{
    public static EvaluationReport Evaluate(IFileClassifier model, Dataset dataset, ModelEvaluationOptions options, CancellationToken cancellation)
    {
        var items = dataset.Items;
        var skipped = dataset.Skipped.Select(s => new SkippedSample(s.Path, s.Reason)).ToList();
        var errors = new string?[items.Count];
        float[] p = model.ProbabilitiesOfFiles([.. items.Select(i => i.Path)], options.CacheFolder ?? PixelCacheOptions.DefaultFolder(), options.Reframe, errors, cancellation);
        var kept = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            if (errors[i] is { } reason) skipped.Add(new SkippedSample(items[i].Path, reason));
            else kept.Add(i);
        }
        if (model.LastStats is { } s)
            options.Notes?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{model.CachedOutputs}: {s.CacheHits} from the cache, {s.Computed} computed{(model.CanonicalMargin is null ? "" : $"; canonical framing found no face in {s.NoFace} of the computed images (used whole)")}"));
        int[] labels = [.. kept.Select(i => items[i].Label)];
        float[] pk = [.. kept.Select(i => p[i])];
        ModelEvaluator.CheckUsable(dataset, [.. kept.Select(i => items[i])], pk, skipped);
        var groups = options.GroupBy is { } key ? kept.Select(i => items[i].Metadata.TryGetValue(key, out var v) ? v : "unknown").ToList() : null;
        return Evaluator.Evaluate(new ReadOnlySpan<int>(labels), new ReadOnlySpan<float>(pk), new EvaluationOptions { Skipped = skipped, Groups = groups })
            with { Predictions = ModelEvaluator.Predictions([.. kept.Select(i => items[i])], pk) };
    }
}
