namespace GenderML.Data;

/// <summary>Where <see cref="PixelCache"/> keeps its files and how many threads decode.</summary>
public sealed record PixelCacheOptions
{
    /// <summary>The cache folder; null for <see cref="DefaultFolder()"/>. Dataset folders may be read-only, so the cache never goes there by default.</summary>
    public string? Folder { get; init; }

    /// <summary>Decoding threads; 0 or less for all cores.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Stops a build (within a chunk of images) with an <see cref="OperationCanceledException"/>; the chunks of samples
    /// already appended to the cache file stay there, so the next open decodes only the rest.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Hears what went wrong with the cache file that was repaired rather than failing: a damaged header, a segment cut
    /// short or with a damaged index, or samples whose checksum fails (the file was changed on disk).
    /// </summary>
    public Action<string>? Warnings { get; init; }

    /// <summary>
    /// Hears how many of the dataset's images a build has prepared (decoded, framed or copied from the previous file), after
    /// each block of them; not called when the cache file is used as it is.
    /// </summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>
    /// <c>$XDG_CACHE_HOME/genderml</c> when that variable is set, else <c>~/.cache/genderml</c>; when there is no home
    /// folder (HOME unset or relative), <see cref="TempFolder"/>. Never a folder relative to the working directory.
    /// </summary>
    public static string DefaultFolder() => DefaultFolder(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary><see cref="DefaultFolder()"/> for the given <c>XDG_CACHE_HOME</c> and home folder.</summary>
    internal static string DefaultFolder(string? xdg, string? home)
    {
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "genderml");
        return !string.IsNullOrEmpty(home) && Path.IsPathRooted(home) ? Path.Combine(home, ".cache", "genderml") : TempFolder();
    }

    /// <summary>The fallback when the default folder cannot be written: <c>{temp}/genderml-cache-{user name}</c>.</summary>
    public static string TempFolder() => Path.Combine(Path.GetTempPath(), $"genderml-cache-{Environment.UserName}");

    /// <summary>
    /// The folder to use: <see cref="Folder"/>, or <see cref="DefaultFolder()"/>, created if missing; when the default one
    /// cannot be written, <see cref="TempFolder"/> (with a note to <see cref="Warnings"/>).
    /// </summary>
    /// <exception cref="IOException">The folder cannot be written; the message names <see cref="Folder"/>.</exception>
    internal string WritableFolder()
    {
        string folder = Folder ?? DefaultFolder();
        if (CanWrite(folder, out string? why)) return folder;
        if (Folder is null && CanWrite(TempFolder(), out _))
        {
            Warnings?.Invoke($"{folder}: cannot write the pixel cache there ({why}); using {TempFolder()}");
            return TempFolder();
        }
        throw new IOException($"{folder}: cannot write the pixel cache there ({why}); set PixelCacheOptions.Folder to a writable folder");
    }

    private static bool CanWrite(string folder, out string? why)
    {
        try
        {
            Directory.CreateDirectory(folder);
            using var probe = new FileStream(Path.Combine(folder, $".probe-{Environment.ProcessId}-{Guid.NewGuid():N}"),
                FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            why = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            return false;
        }
    }
}

/// <summary>What <see cref="PixelCache.Open"/> did: how many samples came from the old cache file and how many were decoded.</summary>
/// <param name="File">The cache file.</param>
/// <param name="Hit">True when the file was used as it was (nothing changed).</param>
/// <param name="Reused">Samples copied from the previous cache file (same path and stamp, or same content).</param>
/// <param name="Decoded">Samples decoded now.</param>
/// <param name="Failed">Files that could not be decoded (see <see cref="PixelCache.Failed"/>).</param>
public sealed record PixelCacheStats(string File, bool Hit, int Reused, int Decoded, int Failed);
