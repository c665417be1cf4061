using System.Globalization;

namespace GenderML.Batch;

/// <summary>
/// What makes the shards of an output folder one job: the kind, the model and its hash, the input list's hash and
/// size, the shard count and the part size. Every part file and shard manifest carries it; a merge refuses a folder
/// whose files disagree.
/// </summary>
/// <param name="Kind">The work done.</param>
/// <param name="Model">The model's name.</param>
/// <param name="ModelHash">The hash that identifies the model's weights and settings.</param>
/// <param name="InputHash">The input list's <see cref="BatchInput.Hash"/>.</param>
/// <param name="Images">Images in the input list.</param>
/// <param name="Shards">Shards the job is split into.</param>
/// <param name="PartSize">Images per part file.</param>
public sealed record BatchJobIdentity(BatchKind Kind, string Model, string ModelHash, string InputHash, int Images, int Shards, int PartSize)
{
    /// <summary>The first field in which <paramref name="other"/> differs from this job, in words, or null when none does.</summary>
    public string? Difference(BatchJobIdentity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var ci = CultureInfo.InvariantCulture;
        if (Kind != other.Kind) return $"kind {other.Kind.ToString().ToLowerInvariant()}, not {Kind.ToString().ToLowerInvariant()}";
        if (Model != other.Model || ModelHash != other.ModelHash) return $"model {other.Model} ({Short(other.ModelHash)}), not {Model} ({Short(ModelHash)})";
        if (InputHash != other.InputHash || Images != other.Images)
            return string.Create(ci, $"another input ({other.Images} images, list hash {Short(other.InputHash)}; this one: {Images}, {Short(InputHash)})");
        if (Shards != other.Shards) return string.Create(ci, $"{other.Shards} shards, not {Shards}");
        if (PartSize != other.PartSize) return string.Create(ci, $"parts of {other.PartSize} images, not {PartSize}");
        return null;
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
