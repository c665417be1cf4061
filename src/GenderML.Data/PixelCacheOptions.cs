namespace GenderML.Data;

/// <summary>Where <see cref="PixelCache"/> keeps its files and how many threads decode.</summary>
public sealed record PixelCacheOptions
{
    /// <summary>The cache folder; null for <see cref="DefaultFolder"/>. Dataset folders may be read-only, so the cache never goes there by default.</summary>
    public string? Folder { get; init; }

    /// <summary>Decoding threads; 0 or less for all cores.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Stops a build (within a chunk of images) with an <see cref="OperationCanceledException"/>; the half-written file is
    /// removed and the previous cache file, if any, is left as it was.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Hears how many of the dataset's images a build has prepared (decoded, framed or copied from the previous file), after
    /// each block of them; not called when the cache file is used as it is.
    /// </summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary><c>$XDG_CACHE_HOME/genderml</c> when that variable is set, else <c>~/.cache/genderml</c>.</summary>
    public static string DefaultFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseDir = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "genderml");
    }
}

/// <summary>What <see cref="PixelCache.Open"/> did: how many samples came from the old cache file and how many were decoded.</summary>
/// <param name="File">The cache file.</param>
/// <param name="Hit">True when the file was used as it was (nothing changed).</param>
/// <param name="Reused">Samples copied from the previous cache file (same path and stamp, or same content).</param>
/// <param name="Decoded">Samples decoded now.</param>
/// <param name="Failed">Files that could not be decoded (see <see cref="PixelCache.Failed"/>).</param>
public sealed record PixelCacheStats(string File, bool Hit, int Reused, int Decoded, int Failed);
