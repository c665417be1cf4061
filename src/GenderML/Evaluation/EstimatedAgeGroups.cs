using GenderML.Data;
using GenderML.FaceApi;
using GenderML.Transfer;

namespace GenderML.Evaluation;

/// <summary>
/// Groups derived from the images themselves when the data carries none (<see
/// cref="ModelEvaluationOptions.EstimatedAge"/>): the age band of face-api's age estimate (the shipped age/gender net
/// on the undistorted image, canonical crop, mean with the mirror image) crossed with the label, e.g. <c>women 60+</c>.
/// </summary>
internal static class EstimatedAgeGroups
{
    /// <summary>The age bands, by their lower bounds: under 20, 20–39, 40–59, 60+.</summary>
    public static string Band(float age) => age switch
    {
        < 20 => "under 20",
        < 40 => "20-39",
        < 60 => "40-59",
        >= 60 => "60+",
        _ => "unknown",
    };

    /// <summary>The group of each item (<c>women 20-39</c>, …; <c>unknown</c> where the image could not be read).</summary>
    public static string[] Of(IReadOnlyList<DatasetItem> items, ModelEvaluationOptions options, CancellationToken cancellation)
    {
        int threads = Math.Max(1, options.Threads);
        var framing = FaceFraming.Canonical(ClassifierPresets.FaceApiCanonicalMargin, FaceFraming.DefaultDetectorSize, null, threads);
        var embedder = new Embedder(null, null, ageGender: true, framing, threads, mirror: true);
        var errors = new string?[items.Count];
        var embedded = embedder.EmbedFiles([.. items.Select(i => i.Path)], options.CacheFolder ?? PixelCacheOptions.DefaultFolder(), null,
            errors, out _, cancellation);
        var groups = new string[items.Count];
        for (int i = 0; i < items.Count; i++)
            groups[i] = errors[i] is null && embedded[i].AgeGender is { } a
                ? $"{(items[i].Label == 1 ? "men" : "women")} {Band(a[AgeGenderNet.FeatureLength + 1])}"
                : "unknown";
        return groups;
    }
}
