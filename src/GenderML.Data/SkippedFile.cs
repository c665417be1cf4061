namespace GenderML.Data;

/// <summary>A file a loader or validation pass did not take, with the reason in words.</summary>
/// <param name="Path">The file (or CSV row source) that was skipped.</param>
/// <param name="Kind">The kind of problem.</param>
/// <param name="Reason">What was wrong, naming the thing and the fix where there is one.</param>
public sealed record SkippedFile(string Path, SkipKind Kind, string Reason);

/// <summary>Why a file was skipped.</summary>
public enum SkipKind
{
    /// <summary>The file's extension is not an image format the loaders read.</summary>
    NotAnImage,

    /// <summary>The file's folder or CSV label is not a known class name, alias or mapping.</summary>
    UnknownLabel,

    /// <summary>A CSV row was malformed, or named a file that does not exist, or a file had no CSV row.</summary>
    BadManifest,

    /// <summary>The file could not be read (permissions, I/O error).</summary>
    Unreadable,

    /// <summary>The file's bytes are not a valid image (found when validating or decoding).</summary>
    Corrupt,
}
