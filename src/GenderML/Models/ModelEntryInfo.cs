namespace GenderML.Models;

/// <summary>One entry of a model archive besides the manifest.</summary>
/// <param name="Name">Entry name: ASCII letters, digits, '.', '-', '_' in '/'-separated segments.</param>
/// <param name="Size">Uncompressed size in bytes.</param>
/// <param name="Sha256">SHA-256 of the uncompressed bytes, lower-case hex.</param>
internal sealed record ModelEntryInfo(string Name, long Size, string Sha256);
