using System.Security.Cryptography;
using System.Text;
using GenderML.Classifiers;
using GenderML.Transfer;

namespace GenderML.Batch.Processors;

/// <summary>
/// The embedder of a transfer recipe's training (<see cref="TransferRecipe.TrainingEmbedder"/>) and the identity of what it
/// outputs: the names of its embedding caches and the hashes of its weights.
/// </summary>
internal sealed class EmbeddingSource
{
    private EmbeddingSource(TransferRecipe recipe, int threads)
    {
        Recipe = recipe;
        Threads = threads;
        var b = recipe.Backbone;
        Framing = recipe.Framing(threads);
        Features = recipe.EffectiveResNetFeatures;
        UsesResNet = FaceNetClassifier.UsesResNet(b);
        UsesAgeGender = FaceNetClassifier.UsesAgeGender(b);
        var files = FaceModelsFolder.Hashes(recipe.ModelsFolder, Embedder.WeightFiles(UsesResNet, UsesAgeGender, Framing));
        // The caches training reads: images as they are (no reframing, no mirror).
        string pre = Embedder.PreprocessingKey(Framing, mirror: false, distortion: null);
        if (UsesResNet) ResNetCacheKey = Embedder.ResNetCacheKey(Features, pre);
        if (UsesAgeGender) AgeGenderCacheKey = Embedder.AgeGenderCacheKey(pre);
        string identity = string.Join('+', new[] { ResNetCacheKey, AgeGenderCacheKey }.OfType<string>()) + "\n"
            + string.Join('\n', files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    public TransferRecipe Recipe { get; }

    public int Threads { get; }

    public FaceFraming? Framing { get; }

    public FaceResNetFeatures Features { get; }

    public bool UsesResNet { get; }

    public bool UsesAgeGender { get; }

    /// <summary>The face ResNet's embedding cache, when the backbone reads it.</summary>
    public string? ResNetCacheKey { get; }

    /// <summary>The age/gender net's embedding cache, when the backbone reads it.</summary>
    public string? AgeGenderCacheKey { get; }

    /// <summary>Floats of the face ResNet's part of an embedding (0 when unused).</summary>
    public int ResNetLength => UsesResNet ? Embedder.ResNetLength(Features) : 0;

    /// <summary>Floats per embedding: the face ResNet's part, then the age/gender net's.</summary>
    public int Length => ResNetLength + (UsesAgeGender ? Embedder.AgeGenderLength : 0);

    /// <summary>The SHA-256 of the cache names and weight hashes: the model hash of a <see cref="BatchKind.Embed"/> job.</summary>
    public string Hash { get; }

    /// <summary>
    /// The transfer preset <paramref name="name"/> (null: <see cref="BatchOptions.DefaultEmbedModel"/>), with <paramref name="faceModelsFolder"/>'s weights
    /// when given.
    /// </summary>
    public static EmbeddingSource ForPreset(string? name, string? faceModelsFolder, int threads)
    {
        name ??= BatchOptions.DefaultEmbedModel;
        if (!ClassifierPresets.Names.Contains(name) || ClassifierPresets.Create(name) is not TransferRecipe recipe)
            throw new ArgumentException($"'{name}' is not a transfer preset ({string.Join(", ", ClassifierPresets.Names.Where(n => n.StartsWith("transfer", StringComparison.Ordinal)))})");
        return For(faceModelsFolder is null ? recipe : recipe with { ModelsFolder = faceModelsFolder }, threads);
    }

    public static EmbeddingSource For(TransferRecipe recipe, int threads) => new(recipe, threads);

    /// <summary>The embedder (the networks loaded): the one the recipe's training runs.</summary>
    public Embedder CreateEmbedder() => Recipe.TrainingEmbedder(Framing, Threads);
}
