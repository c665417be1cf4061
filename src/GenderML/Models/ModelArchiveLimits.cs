namespace GenderML.Models;

/// <summary>Bounds a model archive must stay within to be loaded (defences against zip bombs and junk).</summary>
internal sealed record ModelArchiveLimits
{
    /// <summary>Largest uncompressed entry, declared or actual. Default 1 GiB.</summary>
    public long MaxEntryBytes { get; init; } = 1L << 30;

    /// <summary>Largest uncompressed total of all entries. Default 2 GiB.</summary>
    public long MaxTotalBytes { get; init; } = 2L << 30;

    /// <summary>Largest manifest.json. Default 1 MiB.</summary>
    public long MaxManifestBytes { get; init; } = 1 << 20;

    /// <summary>Most entries in the archive. Default 256.</summary>
    public int MaxEntries { get; init; } = 256;

    /// <summary>Largest uncompressed : compressed ratio for entries over <see cref="RatioCheckMinBytes"/>. Default 200.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Entries smaller than this skip the ratio check (small JSON compresses well). Default 1 MiB.</summary>
    public long RatioCheckMinBytes { get; init; } = 1 << 20;

    /// <summary>The defaults.</summary>
    public static ModelArchiveLimits Default { get; } = new();
}
