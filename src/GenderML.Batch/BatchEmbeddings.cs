using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GenderML.Batch.Processors;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Transfer;

namespace GenderML.Batch;

/// <summary>
/// Training at scale: the embeddings of a finished <see cref="BatchKind.Embed"/> job handed to a transfer recipe's own
/// training. <see cref="Import"/> checks that the job ran the recipe's embedder and covers every training image, then
/// puts the embeddings in the recipe's embedding cache (keyed by each file's SHA-256), so <see cref="Trainer.Fit"/> reads
/// them there instead of running the networks, and fits the head it fits on one machine: the same model.
/// </summary>
public static class BatchEmbeddings
{
    /// <summary>Imports the embeddings of <paramref name="output"/> for training <paramref name="recipe"/> on <paramref name="train"/>.</summary>
    /// <param name="output">A checked batch output folder of an embed job.</param>
    /// <param name="recipe">The transfer recipe to train (without fine-tuning).</param>
    /// <param name="train">The labelled images to train on (validation included); every one must be in the job.</param>
    /// <param name="cacheFolder">The training's cache folder (<see cref="Training.TrainingOptions.CacheFolder"/>; null: the default).</param>
    /// <returns>The number of training images whose embedding was imported.</returns>
    /// <exception cref="InvalidDataException">The job is not an embed job of the recipe's embedder, or lacks training images.</exception>
    public static int Import(BatchOutput output, TransferRecipe recipe, Dataset train, string? cacheFolder = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(train);
        if (recipe.FineTune is not null)
            throw new ArgumentException("a fine-tuned transfer recipe trains the face ResNet's last stage on images, not on embeddings", nameof(recipe));
        var job = output.Job;
        if (job.Kind != BatchKind.Embed)
            throw new InvalidDataException($"{output.Folder} holds a {job.Kind.ToString().ToLowerInvariant()} job, not embeddings (batch embed)");
        var source = EmbeddingSource.For(recipe, 1);
        if (job.ModelHash != source.Hash)
        {
            string caches = string.Join(" + ", new[] { source.ResNetCacheKey, source.AgeGenderCacheKey }.OfType<string>());
            throw new InvalidDataException($"{output.Folder} holds embeddings of {job.Model} ({job.ModelHash[..12]}…), " +
                $"not of this recipe's embedder ({source.Hash[..12]}…: {caches}); run batch embed with the same model");
        }

        var byHash = new Dictionary<string, float[]?>(StringComparer.Ordinal);
        foreach (var row in output.ReadRows())
        {
            if (row.ContentHash is not { } hash) continue;
            if (row.Status == BatchRow.Ok)
            {
                if (row.Embedding is not { } e || e.Count != source.Length)
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{output.Folder}: {row.Path} has {row.Embedding?.Count ?? 0} floats, the embedder gives {source.Length}"));
                byHash[hash] = [.. e];
            }
            else if (row.Status == EmbedProcessor.NoFace) byHash.TryAdd(hash, null);   // training finds no face either
        }

        var paths = train.Items.Select(i => i.Path).ToArray();
        var hashes = new string?[paths.Length];
        Parallel.For(0, paths.Length, i =>
        {
            try
            {
                using var stream = File.OpenRead(paths[i]);
                hashes[i] = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hashes[i] = null;   // training reports it as unreadable
            }
        });
        var missing = Enumerable.Range(0, paths.Length).Where(i => hashes[i] is { } h && !byHash.ContainsKey(h)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{output.Folder}: {missing.Count} of the {paths.Length} training images have no embedding there " +
                $"(e.g. {paths[missing[0]]}); run batch embed over the same images"));

        string folder = cacheFolder ?? PixelCacheOptions.DefaultFolder();
        using var cache = CachedFeatures.Open(folder, Embedder.CacheKey(source.ResNetCacheKey, source.AgeGenderCacheKey), FeatureElement.Float32, source.Length);
        // The one fill step of the cache, with the job's embeddings as the computation: files already cached stay as
        // they are, the others get the job's values (or its "no face found"), keyed by identity and content like any other.
        var lookup = cache.Fill(paths, (items, bytes, values, errors) =>
        {
            var floats = MemoryMarshal.Cast<byte, float>(values.AsSpan());
            for (int k = 0; k < items.Count; k++)
            {
                if (!byHash.TryGetValue(Convert.ToHexStringLower(SHA256.HashData(bytes[k])), out var e))
                    errors[k] = "changed since the batch job ran: not in its embeddings";
                else if (e is null) errors[k] = "no face found";
                else e.CopyTo(floats.Slice(k * source.Length, source.Length));
            }
        }, new FeatureFillOptions());
        int imported = lookup.Offsets.Count(o => o >= 0);
        return imported;
    }
}
