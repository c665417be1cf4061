using System.Globalization;
using GenderML.Classifiers;
using GenderML.Transfer;

namespace GenderML.Batch.Processors;

/// <summary>The embedder of a transfer recipe, built as its training builds it, with the key of its outputs.</summary>
internal static class EmbeddingSource
{
    /// <summary>
    /// The recipe's embedder (its framing, the networks its backbone reads, no mirror), the key of what it outputs (the
    /// names of its embedding caches) and the weight files it reads with their hashes.
    /// </summary>
    public static (Embedder Embedder, string Key, IReadOnlyDictionary<string, string> Files) Create(TransferRecipe recipe, int threads)
    {
        var b = recipe.Backbone;
        var framing = recipe.Framing(threads);
        var r = recipe.EffectiveResNetFeatures;
        bool resnet = FaceNetClassifier.UsesResNet(b), ageGender = FaceNetClassifier.UsesAgeGender(b);
        var files = FaceModelsFolder.Hashes(recipe.ModelsFolder, Embedder.WeightFiles(resnet, ageGender, framing));
        var embedder = new Embedder(recipe.ModelsFolder, resnet ? r : null, ageGender, framing, threads);
        string pre = embedder.PreprocessingKey(null);
        var parts = new List<string>();
        if (resnet) parts.Add(string.Create(CultureInfo.InvariantCulture, $"faceresnet{Embedder.ResNetLength(r)}-{pre}"));
        if (ageGender) parts.Add(string.Create(CultureInfo.InvariantCulture, $"agegender{Embedder.AgeGenderLength}-{pre}"));
        return (embedder, string.Join('+', parts), files);
    }
}
